// Strategy `optimal`: perfect-foresight dispatch as one LP (or QP) over the run, or over
// windows with the state carried across. The solver (sim/opt) knows nothing of energy;
// this file maps the station, node and market onto it and the solution back to setpoints.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/dispatch/forecast.h"
#include "sim/dispatch/strategy.h"
#include "sim/grid/poi.h"
#include "sim/opt/solver.h"
#include "sim/storage/station.h"

namespace essim::dispatch {

//! Parameters of the optimal strategy.
struct OptimalConfig {
  double wear_cost_yuan_per_mwh = 0.0;           //!< on energy discharged at the POI (≥ 0)
  double curtailment_penalty_yuan_per_mwh = 0.0; //!< on curtailed PV (≥ 0)
  std::optional<double> terminal_soc;            //!< fraction of energy at the end; absent = initial
  //! Instead of a terminal SOC: a value of stored energy left at the end, yuan/MWh.
  std::optional<double> terminal_value_yuan_per_mwh;
  std::optional<double> max_cycles_per_day;      //!< cap on Σ discharge/η_d per local day / nameplate
  std::int64_t window_s = 0;                     //!< 0 = the whole run as one problem
  double power_quadratic_yuan_per_mw2h = 0.0;    //!< ½·q·(c² + d²)·dt: a QP that spreads power
  bool planned_outages_known = false;            //!< power bounds scaled by planned availability
  //! Plan identical phases as one (DispatchProblem::leader): phases in service through the
  //! problem, of equal duration (energy / power), at equal SOC and with equal planned
  //! availability. Exact for the LP: any plan of the phases sums to a plan of the merged
  //! one with the same cost, and the merged plan split in proportion to the phases'
  //! ratings is a plan of the phases. Not with the quadratic term (its split is not
  //! proportional). Off: one set of columns per phase.
  bool merge_identical_phases = true;
};

//! A built dispatch problem and where its variables are.
struct DispatchProblem {
  opt::Problem problem;
  std::int64_t first_step = 0, steps = 0;
  std::size_t phases = 0;
  std::vector<int> step_rows;  //!< rows of local step t: [step_rows[t], step_rows[t + 1])
  //! Node columns per step: curtailment, export, import, then the standby charge (without
  //! grid charging, or where a load above the import limit could keep it out) and the
  //! charge absorbing overflow (with a curtailment penalty, where PV exceeds what the load
  //! and the export limit take), each where the problem has it.
  int node_columns = 3;
  bool standby_column = false, absorb_column = false;
  //! Column of charge / discharge / energy of phase p at local step t: (t·phases + p)·3 + {0,1,2};
  //! then the node columns at steps·phases·3 + node_columns·t + {0, 1, 2 (, standby) (, absorb)}.
  //! Merged phases (OptimalConfig::merge_identical_phases): the columns of phase leader[p]
  //! carry the whole group's power and energy, the other members' stay fixed at 0 (and
  //! leave the problem in presolve) until ExpandMergedPhases gives each its share.
  std::vector<std::size_t> leader;  //!< per phase: the phase whose columns carry its group (itself if alone)
  std::vector<double> share;        //!< per phase: its part of its group's power and energy
  //! With a standby or absorb column: per local step, the one phase (a group's leader)
  //! planned, whose charge those columns add to (its charge column then holds the charge
  //! the node's rules allow), or −1 with several (the standby column then relaxes the
  //! step's node and PV-only rows; the absorb column is 0). Empty without either column.
  std::vector<int> sole_phase;
  int Charge(std::int64_t t, std::size_t p) const { return static_cast<int>((t * static_cast<std::int64_t>(phases) + static_cast<std::int64_t>(p)) * 3); }
  int Discharge(std::int64_t t, std::size_t p) const { return Charge(t, p) + 1; }
  int Energy(std::int64_t t, std::size_t p) const { return Charge(t, p) + 2; }
  int Node(std::int64_t t, int which) const {
    return static_cast<int>(steps * static_cast<std::int64_t>(phases) * 3 + node_columns * t + which);
  }
  int Standby(std::int64_t t) const { return Node(t, 3); }                        //!< with standby_column
  int Absorb(std::int64_t t) const { return Node(t, standby_column ? 4 : 3); }  //!< with absorb_column
  //! The charge planned for phase p at local step t, MW, in a solution x (after
  //! ExpandMergedPhases): its charge column, and its share of the standby and absorb
  //! columns where they charge its group (sole_phase).
  double ChargeMw(const Eigen::VectorXd& x, std::int64_t t, std::size_t p) const {
    double c = x[Charge(t, p)];
    if (!sole_phase.empty() && sole_phase[static_cast<std::size_t>(t)] == static_cast<int>(leader[p])) {
      if (standby_column) c += share[p] * x[Standby(t)];
      if (absorb_column) c += share[p] * x[Absorb(t)];
    }
    return c;
  }

  //! Build state kept between rebuilds (RebuildDispatchProblem): room for the entries of A,
  //! the last build's first in the order they were made, each one's key (row·columns +
  //! column) and place in A's values, and the row bounds' scratch.
  std::vector<Eigen::Triplet<double>> entries;
  std::vector<std::int64_t> entry_keys;
  std::vector<int> entry_slots;
  std::vector<double> scratch_lo, scratch_hi;
};

//! Builds the problem for steps [first, first + count) starting from stored energies
//! `initial_mwh` per phase (NaN: not yet in service, starts at soc.initial when it is). Rows and columns are
//! ordered by step, so the normal matrix is banded (except with a cycles cap).
//! Readable variable and row names (for MPS export) only when `with_names`.
DispatchProblem BuildDispatchProblem(const storage::StationConfig& station, const grid::GridConfig& grid,
                                     const InputView& in, const OptimalConfig& cfg, std::int64_t first,
                                     std::int64_t count, const std::vector<double>& initial_mwh,
                                     bool with_names = false);

//! The same, into `dp`, reusing what it holds: when the entries of A fall where they fell in
//! the problem `dp` held (consecutive rolling-horizon windows: same length, same phases in
//! service, same rows), A keeps its structure and only its values are written. The result
//! is identical to a fresh build.
void RebuildDispatchProblem(const storage::StationConfig& station, const grid::GridConfig& grid,
                            const InputView& in, const OptimalConfig& cfg, std::int64_t first, std::int64_t count,
                            const std::vector<double>& initial_mwh, DispatchProblem* dp, bool with_names = false);

//! Gives each merged phase its share of its group's columns in a solution of `dp` (the
//! leader's columns held the group's totals), for every step: x per physical phase.
void ExpandMergedPhases(const DispatchProblem& dp, Eigen::VectorXd* x);

//! A starting point for `to` from the solution of `from` (per physical phase, as
//! ExpandMergedPhases leaves it), a problem of the same layout starting `shift` steps
//! earlier: each step takes the values of the step `shift` later in `from` (the last step
//! of `from` past its end), summed over each of `to`'s merged groups. Row duals move with
//! their step when the step has the same rows; otherwise they start at zero. Reduced costs
//! move like the columns when `solution` has them (else the start has none). A standby or
//! absorb column that only one of the two has starts at zero.
opt::Solution ShiftSolution(const DispatchProblem& from, const opt::Solution& solution, const DispatchProblem& to,
                            std::int64_t shift);

//! Solver statistics of a plan (summed over windows).
struct PlanStats {
  std::string status = "not_solved";  //!< the worst status over windows
  int windows = 0;
  int iterations = 0;
  double objective_yuan = 0.0;        //!< minimized cost (− net energy revenue + wear + penalty)
  double solve_seconds = 0.0;
  int fallbacks = 0;                  //!< windows whose plan fell back to idle (neither optimal nor optimal-inaccurate)
  int cold_restarts = 0;              //!< warm-started windows solved again from cold
  //! Windows whose terminal SOC target was out of reach (infeasible, e.g. no grid charging
  //! and too little PV surplus, or so nearly that the solve failed): solved again with
  //! each phase ending at least where idling would leave it, less 1e-4 (or at the target,
  //! if lower).
  int relaxed_terminals = 0;
  std::string linear_solver;
  //! Adds one window's solve: its counts, and its status if the worst so far (in the
  //! order of opt::Status). Returns whether its plan is usable (optimal or
  //! optimal-inaccurate); an unusable one counts as a fallback and adds no objective.
  bool Add(const opt::Result& r);

 private:
  int worst_ = -1;
};

//! Perfect-foresight optimum; the plan is the net POI power per step.
class OptimalStrategy final : public Strategy {
 public:
  OptimalStrategy(storage::StationConfig station, grid::GridConfig grid, OptimalConfig cfg, opt::Options options = {});
  std::string_view name() const override { return "optimal"; }
  Foresight foresight() const override { return Foresight::kPerfect; }
  void Prepare(const InputView& inputs) override;
  double Setpoint(const Observation& obs) override;
  bool PhaseTargets(std::int64_t step, std::vector<double>* net_mw) const override;
  const std::vector<double>& plan_mw() const { return plan_mw_; }
  const std::vector<double>& plan_soc_mwh() const { return plan_soc_mwh_; }
  const PlanStats& stats() const { return stats_; }

 private:
  storage::StationConfig station_;
  grid::GridConfig grid_;
  OptimalConfig cfg_;
  opt::Options options_;
  std::vector<double> plan_mw_, plan_soc_mwh_;
  std::vector<double> plan_phase_mw_;  //!< steps × phases, net per phase
  PlanStats stats_;
};

//! Rolling-horizon dispatch: at every replan it forecasts PV, load and price over the
//! horizon (limits taken as known), solves the same LP as `optimal` from the exact state
//! (or, with a commitment longer than the replan interval, from the state the committed
//! setpoints lead to), and commits the plan's setpoints up to `commit` after the decision.
struct RollingHorizonConfig {
  OptimalConfig optimal;             //!< costs and caps of each window's problem
  std::int64_t horizon_s = 48 * 3600;
  std::int64_t replan_s = 3600;
  //! How far ahead each replan binds the station: a replan at t keeps the setpoints
  //! committed earlier for [t, t + commit − replan) (a gate closure), plans from there and
  //! commits its own up to t + commit. 0 or anything below replan_s: replan_s (each plan
  //! executed until the next replan); at most horizon_s.
  std::int64_t commit_s = 0;
  //! Relative tolerance of each window's solve (opt::Options::tolerance; it takes
  //! precedence over the options given to the strategy).
  double tolerance = 1e-8;
  //! End-of-horizon treatment: a terminal SOC (optimal.terminal_soc), a fixed value of
  //! stored energy (optimal.terminal_value_yuan_per_mwh), or, when neither is set, the
  //! value derived from forecast prices: η_d × the mean forecast price over the horizon.
  ForecastConfig pv, load, price;
};

class RollingHorizonStrategy final : public Strategy {
 public:
  RollingHorizonStrategy(storage::StationConfig station, grid::GridConfig grid, RollingHorizonConfig cfg,
                         opt::Options options = {});
  std::string_view name() const override { return "rolling_horizon"; }
  Foresight foresight() const override { return Foresight::kForecast; }
  void Prepare(const InputView& inputs) override;
  double Setpoint(const Observation& obs) override;
  bool PhaseTargets(std::int64_t step, std::vector<double>* net_mw) const override;
  const PlanStats& stats() const { return stats_; }
  //! Per step of the run: the forecast of that step in the plan that was executed (issued
  //! at the latest replan before it) — what the strategy saw, beside the actuals.
  const std::vector<double>& used_pv_forecast_mw() const { return used_pv_; }
  const std::vector<double>& used_load_forecast_mw() const { return used_load_; }
  const std::vector<double>& used_price_forecast() const { return used_price_; }
  //! Per step of the run: the step of the replan that committed its setpoint (−1 before
  //! the step was reached).
  const std::vector<std::int64_t>& committed_at() const { return committed_at_; }

 private:
  void Replan(const Observation& obs);
  //! Stored energy per phase at step `to`, projected from `stored_mwh` at `from` through
  //! the setpoints committed for [from, to).
  std::vector<double> ProjectState(const std::vector<double>& stored_mwh, std::int64_t from, std::int64_t to) const;
  storage::StationConfig station_;
  grid::GridConfig grid_;
  RollingHorizonConfig cfg_;
  opt::Options options_;
  InputView actual_;
  std::int64_t last_start_ = 0;  //!< first step of last_problem_ (the warm start's shift counts from it)
  std::int64_t next_replan_ = 0, committed_end_ = 0;
  std::vector<double> committed_mw_, committed_phase_mw_;  //!< per step (× phases): the setpoints committed so far
  std::vector<std::int64_t> committed_at_;
  Forecaster pv_forecaster_, load_forecaster_, price_forecaster_;  //!< over actual_ (streams 1, 2, 3)
  std::vector<double> pv_fc_, load_fc_, price_fc_;
  std::vector<double> used_pv_, used_load_, used_price_;
  DispatchProblem last_problem_;    //!< the previous window's problem and solution: the warm start
  DispatchProblem next_problem_;    //!< the one before: rebuilt in place for the next window
  opt::Solution last_solution_;
  bool have_last_ = false;
  PlanStats stats_;
};

}  // namespace essim::dispatch
