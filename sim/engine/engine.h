// The discrete-time loop: for each step, strategy setpoint -> station limits -> node
// balance -> station physics -> ledger row. The one place where physics happens.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "sim/core/series.h"
#include "sim/core/time.h"
#include "sim/dispatch/strategy.h"
#include "sim/grid/poi.h"
#include "sim/market/settlement.h"
#include "sim/storage/station.h"

namespace essim::engine {

//! Input series of a run, all on one axis; independent of dispatch.
struct Inputs {
  TimeAxis axis;
  Series pv_mw;               //!< available PV AC power at the node, MW
  //! What the PV can be at most, known ahead (0 at night, the fleet's AC rating or +inf by
  //! day; pv::PvUpperBound): the physical bound of PV forecasts. Empty: none known.
  Series pv_bound_mw;
  Series load_mw;             //!< local load, MW
  Series price_yuan_per_mwh;  //!< energy price after floor and cap, yuan/MWh
  Series export_limit_mw;     //!< export limit, MW (+inf = none)
  Series import_limit_mw;     //!< import limit, MW (+inf = none)
  Series temp_air_c;          //!< ambient temperature, °C (empty: 20 °C)
};

//! Everything the engine applies: station physics, grid rules, capacity settlement.
struct ModelConfig {
  storage::StationConfig station;
  grid::GridConfig grid;
  market::CapacityConfig capacity;
};

//! Per-step ledger and totals of a run. Row k covers [t_k, t_k + dt); SOC columns are
//! the state at the end of the step.
struct RunResult {
  TimeAxis axis;
  std::string strategy;
  dispatch::Foresight foresight = dispatch::Foresight::kNone;
  Series pv_mw, curtailed_mw, load_mw, aux_mw;
  Series setpoint_mw;                  //!< what the strategy asked (+ discharge, − charge)
  Series charge_mw, discharge_mw;      //!< at the POI
  Series export_mw, import_mw;
  Series price_yuan_per_mwh;
  Series export_limit_mw, import_limit_mw;
  Series soc_mwh;                      //!< stored energy of the station at step end
  Series charge_loss_mw, discharge_loss_mw, self_discharge_loss_mw;  //!< losses by cause
  Series station_loss_mw;              //!< sum of the three
  Series commissioned_mwh;             //!< stored energy brought in by phases commissioned this step
  Series standby_mw;                   //!< standby charge holding phases at SOC min (part of charge_mw)
  // Losses by cause, MW (both directions; transformer columns include no-load losses).
  Series loss_pcs_mw, loss_battery_mw, loss_skid_tx_mw, loss_main_tx_mw;
  Series aux_load_mw;                  //!< the auxiliary load alone (aux_mw also holds transformer no-load losses)
  Series loss_fade_mw;                 //!< stored energy above a faded SOC max, removed
  Series temp_air_c;                   //!< ambient temperature used, °C
  Series available_mw;                 //!< power in service times availability
  Eigen::MatrixXd phase_soc_mwh;       //!< steps × phases, at step end
  Eigen::MatrixXd phase_capacity_mwh;  //!< steps × phases: usable energy (fade, augmentation)
  std::vector<storage::PhaseHealth> phase_health;  //!< at the end of the run
  bool physics = false;                //!< the station uses the conversion chain, aux model, ageing or outages
  std::vector<std::string> phase_names;
  std::vector<double> phase_discharged_stored_mwh;  //!< energy drawn from storage per phase
  std::vector<std::int64_t> phase_seconds_in_service;
  double initial_stored_mwh = 0.0;     //!< stored energy before step 0 (phases in service at start)
  std::int64_t clipped_steps = 0;      //!< steps where realized and setpoint differ by > 1 kW + 1e-5 × rating
  double clipped_mwh = 0.0;            //!< |setpoint − realized| energy over the run
  double standby_charge_mwh = 0.0;     //!< charge taken to hold SOC min against self-discharge
  std::int64_t import_over_limit_steps = 0;  //!< steps where load alone exceeded the import limit
  double engine_seconds = 0.0;         //!< wall time of the loop
};

//! Progress callback: steps done, total.
using Progress = std::function<void(std::int64_t, std::int64_t)>;

//! The inputs as a strategy sees them (pointers into `in`, which must outlive the view).
dispatch::InputView ViewOf(const Inputs& in);

//! Runs the loop. The strategy is prepared with the whole inputs only if it declares
//! perfect foresight.
RunResult Run(const ModelConfig& model, const Inputs& inputs, dispatch::Strategy& strategy,
              const Progress& progress = {});

//! As Run, writing into `result` and reusing its buffers when their sizes match (no
//! allocation or first-touch page faults for repeated runs, as in sweeps).
void RunInto(const ModelConfig& model, const Inputs& inputs, dispatch::Strategy& strategy, RunResult* result,
             const Progress& progress = {});

}  // namespace essim::engine
