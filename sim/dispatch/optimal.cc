#include "sim/dispatch/optimal.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace essim::dispatch {
namespace {

// Tie-breaker on charge and discharge throughput, yuan/MWh: with prices at or above a
// non-negative floor, charging and discharging in the same step can never earn money (the
// price terms cancel and energy is lost), but without a strictly positive cost an
// interior-point method lands in the middle of such an optimal face. 0.001 yuan/MWh makes
// simultaneous charge and discharge strictly worse at a cost below 1e-6 of any revenue.
constexpr double kThroughputTieBreak = 1e-3;

}  // namespace

namespace {

// The build behind both entry points. With `keep_build_state`, the entries and their
// places in A stay in `out` for the next rebuild; without, they are freed (a one-off
// build: the year's entries alone are ~13 MB).
void Build(const storage::StationConfig& st, const grid::GridConfig& grid, const InputView& in, const OptimalConfig& cfg,
           std::int64_t first, std::int64_t count, const std::vector<double>& initial_mwh, DispatchProblem* out,
           bool with_names, bool keep_build_state) {
  const double inf = std::numeric_limits<double>::infinity();
  const TimeAxis& axis = *in.axis;
  const double dt = axis.dt_h();
  const double keep = st.RetentionPerStep(axis.step_s);
  const std::size_t np = st.phases.size();
  DispatchProblem& dp = *out;
  dp.first_step = first;
  dp.steps = count;
  dp.phases = np;
  // Per step: the auxiliaries of the phases in service, and the standby charge that holds
  // them at the SOC minimum against self-discharge, at most Σ (1 − keep)·E_min/(η_c·dt).
  auto aux_at = [&](std::int64_t tk) {
    double aux = 0.0;
    for (const auto& ph : st.phases) if (ph.in_service_unix_s <= tk) aux += ph.aux_mw;
    return aux;
  };
  auto standby_at = [&](std::int64_t tk) {
    double standby = 0.0;
    for (const auto& ph : st.phases) {
      if (ph.in_service_unix_s <= tk) standby += (1.0 - keep) * st.soc_min * ph.energy_mwh / (st.eta_charge * dt);
    }
    return standby;
  };
  // The standby charge is exempt from the grid-charging rule and from the import limit, as
  // in the physics; it has a column of its own (the node's fourth) where a rule could
  // otherwise keep it out: without grid charging, or at a step whose import limit leaves
  // less room to charge than the standby (a load above the limit). Elsewhere the charge
  // columns carry it like any charge.
  // With a curtailment penalty: the overflow, PV beyond what the load and the export limit
  // take, max(0, pv − load − aux − export limit), MW. Where it is positive, a charge that
  // takes it saves the penalty (the absorb column, below). One pass finds whether either
  // column is needed, stopping once both are known.
  const double penalty = cfg.curtailment_penalty_yuan_per_mwh;
  auto overflow_at = [&](std::int64_t k, double aux) {
    return std::max(0.0, (*in.pv_mw)[k] - (*in.load_mw)[k] - aux - (*in.export_limit_mw)[k]);
  };
  bool standby_column = !grid.allow_grid_charging, absorb_column = false;
  for (std::int64_t lt = 0; lt < count && !(standby_column && (absorb_column || penalty <= 0.0)); ++lt) {
    const std::int64_t k = first + lt, tk = axis.TimeAt(k);
    const double aux = aux_at(tk), net_load = (*in.load_mw)[k] + aux - (*in.pv_mw)[k];
    standby_column = standby_column || std::max((*in.import_limit_mw)[k], net_load) - net_load < standby_at(tk);
    absorb_column = absorb_column || (penalty > 0.0 && overflow_at(k, aux) > 0.0);
  }
  dp.standby_column = standby_column;
  dp.absorb_column = absorb_column;
  dp.node_columns = 3 + standby_column + absorb_column;
  const std::int64_t nv = count * static_cast<std::int64_t>(np) * 3 + dp.node_columns * count;
  opt::Problem& p = dp.problem;
  p.c.setZero(nv);
  p.x_lo.setZero(nv);
  p.x_hi.setZero(nv);
  p.objective_offset = 0.0;
  p.Q.resize(0, 0);
  p.var_names.clear();
  p.row_names.clear();
  if (with_names) p.var_names.resize(static_cast<std::size_t>(nv));
  auto name_var = [&](int col, std::string_view f, const auto&... args) {
    if (with_names) p.var_names[static_cast<std::size_t>(col)] = fmt::format(fmt::runtime(f), args...);
  };
  // The entries, then the row bounds, in the problem's scratch (kept for its capacity).
  std::vector<Eigen::Triplet<double>>& t = dp.entries;
  std::vector<double>& row_lo = dp.scratch_lo;
  std::vector<double>& row_hi = dp.scratch_hi;
  // Room for every entry (per step: each phase's SOC row 4 and cycles cap 1, the node 3 + 2
  // per phase, export room and PV-only 1 per phase, the standby 2, the absorb 1), written through a
  // pointer: push_back's growth check, never inlined, cost ~1.5 % of a rolling year.
  const std::size_t room = static_cast<std::size_t>(count) * (6 + 9 * np);
  if (t.size() < room) t.resize(room);  // (kept at its size: only the first `used` are this build's)
  Eigen::Triplet<double>* tp = t.data();
  auto add = [&](int row, int col, double value) {
    assert(tp < t.data() + t.size() && "the room counted above holds every entry");
    *tp++ = Eigen::Triplet<double>(row, col, value);
  };
  row_lo.clear();
  row_hi.clear();
  dp.step_rows.clear();
  auto add_row = [&](auto&& name, double lo, double hi) {
    row_lo.push_back(lo);
    row_hi.push_back(hi);
    if (with_names) p.row_names.push_back(name());
    return static_cast<int>(row_lo.size()) - 1;
  };
  // Merged phases: each phase in service from the first step joins the first earlier
  // leader of equal duration, SOC fraction (within 1e-9) and planned availability.
  const std::int64_t t_first = axis.TimeAt(first);
  std::vector<double> e0(np, 0.0);  // stored energy at the first step in service
  for (std::size_t ph = 0; ph < np; ++ph) {
    const auto& pc = st.phases[ph];
    // (the state handed over by the physics may sit an ulp outside the SOC window)
    const bool given = ph < initial_mwh.size() && !std::isnan(initial_mwh[ph]);
    e0[ph] = given ? std::clamp(initial_mwh[ph], st.soc_min * pc.energy_mwh, st.soc_max * pc.energy_mwh)
                   : st.soc_initial * pc.energy_mwh;
  }
  dp.leader.resize(np);
  dp.share.assign(np, 1.0);
  std::vector<double> group_power(np), group_energy(np), group_e0(np);
  std::vector<std::string> group_name(np);
  for (std::size_t ph = 0; ph < np; ++ph) {
    const auto& pc = st.phases[ph];
    dp.leader[ph] = ph;
    if (cfg.merge_identical_phases && cfg.power_quadratic_yuan_per_mw2h == 0.0 && pc.in_service_unix_s <= t_first) {
      for (std::size_t q = 0; q < ph; ++q) {
        const auto& qc = st.phases[q];
        if (dp.leader[q] != q || qc.in_service_unix_s > t_first) continue;
        if (std::abs(pc.energy_mwh * qc.power_mw - qc.energy_mwh * pc.power_mw) > 1e-12 * pc.energy_mwh * qc.power_mw) continue;
        if (std::abs(e0[ph] / pc.energy_mwh - e0[q] / qc.energy_mwh) > 1e-9) continue;
        bool same_availability = true;
        for (std::int64_t lt = 0; cfg.planned_outages_known && same_availability && lt < count; ++lt) {
          const std::int64_t tk = axis.TimeAt(first + lt);
          same_availability = storage::PlannedAvailability(pc.outages, tk) == storage::PlannedAvailability(qc.outages, tk);
        }
        if (!same_availability) continue;
        dp.leader[ph] = q;
        break;
      }
    }
    const std::size_t g = dp.leader[ph];
    group_power[g] += pc.power_mw;
    group_energy[g] += pc.energy_mwh;
    group_e0[g] += e0[ph];
    group_name[g] += (group_name[g].empty() ? "" : "+") + pc.name;
  }
  for (std::size_t ph = 0; ph < np; ++ph) dp.share[ph] = st.phases[ph].energy_mwh / group_energy[dp.leader[ph]];
  auto merged_away = [&](std::size_t ph) { return dp.leader[ph] != ph; };
  // Phase ph has columns of its own at time tk: in service and not merged into another.
  auto planned = [&](std::size_t ph, std::int64_t tk) { return st.phases[ph].in_service_unix_s <= tk && !merged_away(ph); };
  std::vector<bool> started(np, false);
  std::vector<int> day_rows;  // cycles cap rows, one per local day
  std::int64_t current_day = std::numeric_limits<std::int64_t>::min();
  int day_row = -1;
  double nameplate = 0.0;
  for (const auto& ph : st.phases) nameplate += ph.energy_mwh;
  // The price of the standby charge (see the node rows below), yuan/MWh: above what any
  // MWh stored could earn.
  double standby_cost = 0.0;
  if (standby_column) {
    double top = std::abs(cfg.terminal_value_yuan_per_mwh.value_or(0.0));
    for (std::int64_t lt = 0; lt < count; ++lt) top = std::max(top, std::abs((*in.price_yuan_per_mwh)[first + lt]));
    standby_cost = 2.0 * top + 1.0;
  }
  dp.step_rows.reserve(static_cast<std::size_t>(count) + 1);
  dp.sole_phase.assign(standby_column || absorb_column ? static_cast<std::size_t>(count) : 0, -1);
  for (std::int64_t lt = 0; lt < count; ++lt) {
    dp.step_rows.push_back(static_cast<int>(row_lo.size()));
    const std::int64_t k = first + lt;
    const std::int64_t tk = axis.TimeAt(k);
    const double price = (*in.price_yuan_per_mwh)[k];
    const double pv = (*in.pv_mw)[k], load = (*in.load_mw)[k];
    const double aux = aux_at(tk);
    // One phase (or one merged group) planned at this step: the node's rules become bounds
    // on its columns rather than rows (see the export room and the PV-only rule below).
    int phases_planned = 0, sole = -1, sole_soc_row = -1;
    for (std::size_t ph = 0; ph < np; ++ph) {
      if (planned(ph, tk)) ++phases_planned, sole = static_cast<int>(ph);
    }
    if (phases_planned != 1) sole = -1;
    if (cfg.max_cycles_per_day) {
      const std::int64_t local = tk + axis.utc_offset_s;
      const std::int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
      if (day != current_day) {
        current_day = day;
        day_row = add_row([&] { return fmt::format("cycles_{}", day); }, -inf, *cfg.max_cycles_per_day * nameplate);
      }
    }
    // Per-phase variables and the SOC balance rows.
    for (std::size_t ph = 0; ph < np; ++ph) {
      const auto& pc = st.phases[ph];
      const int c = dp.Charge(lt, ph), d = dp.Discharge(lt, ph), e = dp.Energy(lt, ph);
      name_var(c, "charge_{}_{}", merged_away(ph) ? pc.name : group_name[ph], k);
      name_var(d, "discharge_{}_{}", merged_away(ph) ? pc.name : group_name[ph], k);
      name_var(e, "energy_{}_{}", merged_away(ph) ? pc.name : group_name[ph], k);
      // Out of service, or merged into a leader: all bounds stay [0, 0], fixed and presolved away.
      if (!planned(ph, tk)) continue;
      const double avail = cfg.planned_outages_known ? storage::PlannedAvailability(pc.outages, tk) : 1.0;
      p.x_hi[c] = avail * group_power[ph];
      p.x_hi[d] = avail * group_power[ph];
      p.x_lo[e] = st.soc_min * group_energy[ph];
      p.x_hi[e] = st.soc_max * group_energy[ph];
      p.c[c] = price * dt + kThroughputTieBreak * dt;
      p.c[d] = -price * dt + (cfg.wear_cost_yuan_per_mwh + kThroughputTieBreak) * dt;
      // e_t − keep·e_{t−1} − η_c·dt·c + dt/η_d·d = keep·E0 (first step in service) or 0.
      double rhs = 0.0;
      const int row = add_row([&] { return fmt::format("soc_{}_{}", group_name[ph], k); }, 0.0, 0.0);
      if (static_cast<int>(ph) == sole) sole_soc_row = row;
      add(row, e, 1.0);
      add(row, c, -st.eta_charge * dt);
      add(row, d, dt / st.eta_discharge);
      if (!started[ph]) {
        started[ph] = true;
        // (a phase entering service within the problem starts at soc.initial)
        rhs = keep * (lt == 0 ? group_e0[ph] : st.soc_initial * pc.energy_mwh);
      } else {
        add(row, dp.Energy(lt - 1, ph), -keep);
      }
      row_lo.back() = row_hi.back() = rhs;
      if (day_row >= 0) add(day_row, d, dt / st.eta_discharge);
    }
    // Node: −curt + import − export + Σ(d − c) = load + aux − pv.
    const int curt = dp.Node(lt, 0), exp = dp.Node(lt, 1), imp = dp.Node(lt, 2);
    name_var(curt, "curtail_{}", k);
    name_var(exp, "export_{}", k);
    name_var(imp, "import_{}", k);
    p.x_hi[curt] = pv;
    p.x_hi[exp] = (*in.export_limit_mw)[k];
    p.x_hi[imp] = std::max((*in.import_limit_mw)[k], load + aux - pv);  // the load is always served
    p.c[curt] = cfg.curtailment_penalty_yuan_per_mwh * dt;
    const double net_load = load + aux - pv;
    const double sole_power = sole >= 0 ? p.x_hi[dp.Charge(lt, static_cast<std::size_t>(sole))] : 0.0;
    if (sole >= 0 && price >= 0.0) {
      // One phase or group planned: the import limit as a bound on its charge, c ≤ import
      // room, not only through the node row (c − d ≤ import bound − net load, which then
      // leaves in presolve). The same optima: at a price ≥ 0 no optimal plan charges and
      // discharges in one step. With both, less charge and η_c·η_d as much less discharge
      // leave every stored energy as it was, raise the net export (import above 0 or export
      // below its limit leave room: at the export limit without import, the export-room
      // bound leaves no discharge beside a charge) and cost (price·(1 − η) + tie-break·(1 +
      // η) + wear·η) per MW less.
      double& hi = p.x_hi[dp.Charge(lt, static_cast<std::size_t>(sole))];
      hi = std::min(hi, p.x_hi[imp] - net_load);
    }
    const int node = add_row([&] { return fmt::format("node_{}", k); }, net_load, net_load);
    add(node, curt, -1.0);
    add(node, imp, 1.0);
    add(node, exp, -1.0);
    for (std::size_t ph = 0; ph < np; ++ph) {
      if (!planned(ph, tk)) continue;
      add(node, dp.Discharge(lt, ph), 1.0);
      add(node, dp.Charge(lt, ph), -1.0);
    }
    // The node's rule (grid::ResolveNode): never discharge into curtailment — discharge only
    // into the export room the PV surplus leaves: Σd ≤ max(0, export limit − (pv − load − aux)).
    {
      // With one phase (or one merged group) in service the rule is a bound on its
      // discharge, not a row: a row and a slack fewer per step (the rolling year ~12 % faster).
      const double room = std::max(0.0, (*in.export_limit_mw)[k] - (pv - load - aux));
      if (std::isfinite(room) && sole >= 0) {
        double& hi = p.x_hi[dp.Discharge(lt, static_cast<std::size_t>(sole))];
        hi = std::min(hi, room);
      } else if (std::isfinite(room)) {
        const int row = add_row([&] { return fmt::format("export_room_{}", k); }, -inf, room);
        for (std::size_t ph = 0; ph < np; ++ph) {
          if (planned(ph, tk)) add(row, dp.Discharge(lt, ph), 1.0);
        }
      }
    }
    if (standby_column) {
      // The standby charge s: at most the standby of the phases in service, priced above
      // anything stored energy can earn (twice the window's highest price or terminal
      // value, per MWh), so the plan uses it only to stay feasible, as when the battery
      // rests at its minimum through a night without PV, or while the load takes the
      // whole import limit. It is exempt from the import limit and from the PV-only rule.
      const int sb = dp.Standby(lt);
      name_var(sb, "standby_{}", k);
      const double standby = standby_at(tk);
      const double surplus = std::max(0.0, pv - load - aux);
      if (sole >= 0) {
        // One phase or group planned: no rows. Its charge column c is the charge the rules
        // allow (without grid charging at most the PV surplus: Σc − s ≤ surplus as a bound;
        // at a price ≥ 0 at most the import room, above), and s ≤ min(standby, power − c's
        // bound) a second charge column of the same phase, in its SOC row only (not the
        // node row: exempt), at the charge's price plus the standby premium. Being dearer,
        // s is used only beyond c's bound, so c + s ranges over what the rows allow (the
        // rules relaxed by s), at the same cost: the same problem, one row and one slack
        // fewer per step. The plan's charge is c + s (DispatchProblem::ChargeMw).
        const int c = dp.Charge(lt, static_cast<std::size_t>(sole));
        if (!grid.allow_grid_charging) p.x_hi[c] = std::min(p.x_hi[c], surplus);
        p.x_hi[sb] = std::min(standby, sole_power - p.x_hi[c]);
        p.c[sb] = p.c[c] + standby_cost * dt;
        add(sole_soc_row, sb, -st.eta_charge * dt);
        dp.sole_phase[static_cast<std::size_t>(lt)] = sole;
      } else {
        // Several planned: s relaxes the node row's import limit (Σc − Σd ≤ import room + s)
        // and the PV-only row, Σc − s ≤ surplus.
        p.x_hi[sb] = standby;
        p.c[sb] = standby_cost * dt;
        add(node, sb, 1.0);
        if (!grid.allow_grid_charging) {
          const int row = add_row([&] { return fmt::format("pv_only_{}", k); }, -inf, surplus);
          for (std::size_t ph = 0; ph < np; ++ph) {
            if (planned(ph, tk)) add(row, dp.Charge(lt, ph), 1.0);
          }
          add(row, sb, -1.0);
        }
      }
    }
    if (absorb_column) name_var(dp.Absorb(lt), "absorb_{}", k);
    if (penalty > 0.0 && sole >= 0) {
      // With a curtailment penalty and one phase or group planned, curtailment leaves the
      // node row too. The least curtailment at this step is max(0, overflow − c) (a
      // discharge beside an overflow is held at 0 by the export-room bound), so its penalty
      // is penalty·overflow − penalty·min(c, overflow): the curtailment column becomes the
      // overflow, fixed, at the penalty, and the charge up to the overflow moves to the
      // absorb column, a charge column of the phase in its SOC row (not the node row: it
      // takes PV that would be curtailed, not export) at the charge's price less the
      // penalty. Being cheaper it fills first: the same problem, with a zero-cost node row
      // that leaves in presolve. (Without overflow the curtailment is fixed at 0.)
      const double overflow = overflow_at(k, aux);
      p.x_lo[curt] = p.x_hi[curt] = overflow;
      name_var(curt, overflow > 0.0 ? "overflow_{}" : "curtail_{}", k);
      dp.sole_phase[static_cast<std::size_t>(lt)] = sole;
      if (overflow > 0.0) {
        const int c = dp.Charge(lt, static_cast<std::size_t>(sole)), ab = dp.Absorb(lt);
        p.x_hi[ab] = std::min(p.x_hi[c], overflow);
        p.x_hi[c] -= p.x_hi[ab];
        p.c[ab] = p.c[c] - penalty * dt;
        add(sole_soc_row, ab, -st.eta_charge * dt);
      }
    }
  }
  dp.step_rows.push_back(static_cast<int>(row_lo.size()));
  const auto used = static_cast<std::size_t>(tp - t.data());
  // End of the window: a value on stored energy, or at least the target SOC (initial by default).
  for (std::size_t ph = 0; ph < np; ++ph) {
    if (!started[ph]) continue;
    const int e = dp.Energy(count - 1, ph);
    if (cfg.terminal_value_yuan_per_mwh && !cfg.terminal_soc) {
      p.c[e] -= *cfg.terminal_value_yuan_per_mwh;
      continue;
    }
    const double target = cfg.terminal_soc.value_or(st.soc_initial) * group_energy[ph];
    p.x_lo[e] = std::min(std::max(p.x_lo[e], target), p.x_hi[e]);
  }
  if (cfg.power_quadratic_yuan_per_mw2h > 0.0) {
    p.Q.resize(nv, nv);
    std::vector<Eigen::Triplet<double>> q;
    for (std::int64_t lt = 0; lt < count; ++lt)
      for (std::size_t ph = 0; ph < np; ++ph) {
        q.emplace_back(dp.Charge(lt, ph), dp.Charge(lt, ph), cfg.power_quadratic_yuan_per_mw2h * dt);
        q.emplace_back(dp.Discharge(lt, ph), dp.Discharge(lt, ph), cfg.power_quadratic_yuan_per_mw2h * dt);
      }
    p.Q.setFromTriplets(q.begin(), q.end());
  }
  const auto rows = static_cast<Eigen::Index>(row_lo.size());
  // A: when the entries fall where they fell in the problem `dp` held (each rolling window
  // after the first), only the values are written, summed in entry order as
  // setFromTriplets sums duplicates; otherwise A is built anew and the places recorded.
  bool same = p.A.rows() == rows && p.A.cols() == nv && dp.entry_keys.size() == used;
  for (std::size_t q = 0; same && q < used; ++q) same = dp.entry_keys[q] == static_cast<std::int64_t>(t[q].row()) * nv + t[q].col();
  if (same) {
    double* v = p.A.valuePtr();
    std::fill(v, v + p.A.nonZeros(), 0.0);
    for (std::size_t q = 0; q < used; ++q) v[dp.entry_slots[q]] += t[q].value();
  } else {
    p.A.resize(rows, nv);
    p.A.setFromTriplets(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(used));
    p.A.makeCompressed();
    dp.entry_keys.resize(keep_build_state ? used : 0);
    dp.entry_slots.resize(keep_build_state ? used : 0);
    const int* outer = p.A.outerIndexPtr();
    const int* inner = p.A.innerIndexPtr();
    for (std::size_t q = 0; keep_build_state && q < used; ++q) {
      dp.entry_keys[q] = static_cast<std::int64_t>(t[q].row()) * nv + t[q].col();
      const int* at = std::lower_bound(inner + outer[t[q].col()], inner + outer[t[q].col() + 1], t[q].row());
      dp.entry_slots[q] = static_cast<int>(at - inner);
    }
  }
  p.row_lo = Eigen::Map<Eigen::VectorXd>(row_lo.data(), rows);
  p.row_hi = Eigen::Map<Eigen::VectorXd>(row_hi.data(), rows);
  if (!keep_build_state) {
    std::vector<Eigen::Triplet<double>>().swap(dp.entries);
    std::vector<std::int64_t>().swap(dp.entry_keys);
    std::vector<int>().swap(dp.entry_slots);
    std::vector<double>().swap(dp.scratch_lo);
    std::vector<double>().swap(dp.scratch_hi);
  }
}

}  // namespace

DispatchProblem BuildDispatchProblem(const storage::StationConfig& st, const grid::GridConfig& grid, const InputView& in,
                                     const OptimalConfig& cfg, std::int64_t first, std::int64_t count,
                                     const std::vector<double>& initial_mwh, bool with_names) {
  DispatchProblem dp;
  Build(st, grid, in, cfg, first, count, initial_mwh, &dp, with_names, false);
  return dp;
}

void RebuildDispatchProblem(const storage::StationConfig& st, const grid::GridConfig& grid, const InputView& in,
                            const OptimalConfig& cfg, std::int64_t first, std::int64_t count,
                            const std::vector<double>& initial_mwh, DispatchProblem* dp, bool with_names) {
  Build(st, grid, in, cfg, first, count, initial_mwh, dp, with_names, true);
}

void ExpandMergedPhases(const DispatchProblem& dp, Eigen::VectorXd* x) {
  for (std::int64_t t = 0; t < dp.steps; ++t) {
    // Members first (they read their leader's total), the leaders last.
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t p = 0; p < dp.phases; ++p) {
        const std::size_t g = dp.leader[p];
        if ((g == p) != (pass == 1) || dp.share[p] == 1.0) continue;
        for (int k = 0; k < 3; ++k) (*x)[dp.Charge(t, p) + k] = dp.share[p] * (*x)[dp.Charge(t, g) + k];
      }
    }
  }
}

opt::Solution ShiftSolution(const DispatchProblem& from, const opt::Solution& s, const DispatchProblem& to,
                            std::int64_t shift) {
  opt::Solution w;
  // (reduced costs only when the solution has them: a rolling window's solve skips them)
  const bool with_z = s.z.size() == from.problem.num_vars();
  w.x = Eigen::VectorXd::Zero(to.problem.num_vars());
  if (with_z) w.z = Eigen::VectorXd::Zero(to.problem.num_vars());
  w.y = Eigen::VectorXd::Zero(to.problem.num_rows());
  if (from.phases != to.phases || from.steps == 0) return w;
  auto copy = [&](int to_col, int from_col) {
    w.x[to_col] = s.x[from_col];
    if (with_z) w.z[to_col] = s.z[from_col];
  };
  for (std::int64_t t = 0; t < to.steps; ++t) {
    const std::int64_t f = std::min(t + shift, from.steps - 1);
    for (std::size_t p = 0; p < to.phases; ++p) {
      for (int k = 0; k < 3; ++k) {
        w.x[to.Charge(t, to.leader[p]) + k] += s.x[from.Charge(f, p) + k];  // each group's total in its leader's columns
        if (with_z) w.z[to.Charge(t, p) + k] = s.z[from.Charge(f, p) + k];
      }
    }
    for (int k = 0; k < 3; ++k) copy(to.Node(t, k), from.Node(f, k));
    if (to.standby_column && from.standby_column) copy(to.Standby(t), from.Standby(f));
    if (to.absorb_column && from.absorb_column) copy(to.Absorb(t), from.Absorb(f));
    const auto ts = static_cast<std::size_t>(t), fs = static_cast<std::size_t>(f);
    const int rows = to.step_rows[ts + 1] - to.step_rows[ts];
    if (rows != from.step_rows[fs + 1] - from.step_rows[fs]) continue;
    for (int r = 0; r < rows; ++r) w.y[to.step_rows[ts] + r] = s.y[from.step_rows[fs] + r];
  }
  return w;
}

namespace {

// A window's plan is used when its solve is optimal or optimal-inaccurate.
bool Usable(const opt::Result& r) {
  return r.status == opt::Status::kOptimal || r.status == opt::Status::kOptimalInaccurate;
}

// A window whose terminal SOC target cannot be reached — infeasible, or so nearly that the
// plans meeting it leave no interior and the solve fails (the last hours of a run held to
// a target without PV to reach it) — is solved again with a target it can always meet:
// each group's energy at the end at least what idling would leave, its initial energy
// decayed by self-discharge over the window (a phase that enters service within it
// counted from soc.initial and the whole window: lower, so still reachable), less
// kRelaxedMargin, and not below the SOC minimum, which the standby charge holds. The lower
// bound of each group's last energy column becomes min(target, that). False if no bound
// changed (the failure lies elsewhere).
//
// The margin gives the plans an interior: at exactly the idle end, a window without PV
// surplus has idling as its only plan, and the interior-point method ran to its iteration
// limit on such a day (with a margin of 1e-6 to 1e-3 it was solved).
constexpr double kRelaxedMargin = 1e-4;
bool RelaxTerminalTarget(const storage::StationConfig& st, const TimeAxis& axis, std::int64_t first,
                         std::int64_t count, const std::vector<double>& initial_mwh, DispatchProblem* dp) {
  const double keep = st.RetentionPerStep(axis.step_s);
  const std::int64_t t_end = axis.TimeAt(first + count - 1);
  double decay = 1.0;
  for (std::int64_t k = 0; k < count; ++k) decay *= keep;
  bool changed = false;
  for (std::size_t g = 0; g < st.phases.size(); ++g) {
    if (dp->leader[g] != g || st.phases[g].in_service_unix_s > t_end) continue;
    double e0 = 0.0, energy = 0.0;
    for (std::size_t ph = 0; ph < st.phases.size(); ++ph) {
      if (dp->leader[ph] != g || st.phases[ph].in_service_unix_s > t_end) continue;
      const double e = initial_mwh[ph];
      e0 += std::isnan(e) ? st.soc_initial * st.phases[ph].energy_mwh : e;
      energy += st.phases[ph].energy_mwh;
    }
    const double idle_end = std::max(st.soc_min * energy, e0 * decay * (1.0 - kRelaxedMargin));
    double& lo = dp->problem.x_lo[dp->Energy(count - 1, g)];
    if (idle_end < lo) {
      lo = idle_end;
      changed = true;
    }
  }
  return changed;
}

// The relaxed window's solve, counting the failed one's iterations, time and cold restart in it.
opt::Result SolveRelaxed(const opt::Problem& p, const opt::Options& options, const opt::Result& failed,
                         PlanStats* stats) {
  opt::Result r = opt::Solve(p, options);
  r.info.iterations += failed.info.iterations;
  r.info.solve_seconds += failed.info.solve_seconds;
  r.info.cold_restart = r.info.cold_restart || failed.info.cold_restart;
  if (Usable(r)) ++stats->relaxed_terminals;
  return r;
}

}  // namespace

bool PlanStats::Add(const opt::Result& r) {
  ++windows;
  iterations += r.info.iterations;
  solve_seconds += r.info.solve_seconds;
  cold_restarts += r.info.cold_restart;
  linear_solver = r.info.linear_solver == opt::LinearSolver::kBanded ? "banded" : "augmented";
  const int rank = static_cast<int>(r.status);
  if (rank > worst_) {
    worst_ = rank;
    status = opt::StatusName(r.status);
  }
  const bool usable = Usable(r);
  if (usable) objective_yuan += r.info.objective;
  else ++fallbacks;
  return usable;
}

OptimalStrategy::OptimalStrategy(storage::StationConfig station, grid::GridConfig grid, OptimalConfig cfg, opt::Options options)
    : station_(std::move(station)), grid_(grid), cfg_(cfg), options_(options) {}

void OptimalStrategy::Prepare(const InputView& in) {
  const TimeAxis& axis = *in.axis;
  const std::int64_t n = axis.count;
  const std::size_t np = station_.phases.size();
  plan_mw_.assign(static_cast<std::size_t>(n), 0.0);
  plan_soc_mwh_.assign(static_cast<std::size_t>(n), 0.0);
  plan_phase_mw_.assign(static_cast<std::size_t>(n) * np, 0.0);
  stats_ = PlanStats{};
  const std::int64_t window = cfg_.window_s > 0 ? std::max<std::int64_t>(1, cfg_.window_s / axis.step_s) : n;
  std::vector<double> energy(np, std::nan(""));  // carried across windows (NaN = not yet in service)
  opt::Options options = options_;
  options.reduced_costs = false;  // (the plan reads x only)
  for (std::int64_t first = 0; first < n; first += window) {
    const std::int64_t count = std::min(window, n - first);
    DispatchProblem dp = BuildDispatchProblem(station_, grid_, in, cfg_, first, count, energy);
    opt::Result r = opt::Solve(dp.problem, options);
    if (!Usable(r) && RelaxTerminalTarget(station_, axis, first, count, energy, &dp)) {
      r = SolveRelaxed(dp.problem, options, r, &stats_);
    }
    ExpandMergedPhases(dp, &r.solution.x);
    const bool usable = stats_.Add(r);  // (not usable: the documented fallback, idle for this window)
    for (std::int64_t lt = 0; lt < count; ++lt) {
      double net = 0.0, soc = 0.0;
      for (std::size_t ph = 0; ph < np; ++ph) {
        if (usable) {
          const double phase_net = r.solution.x[dp.Discharge(lt, ph)] - dp.ChargeMw(r.solution.x, lt, ph);
          plan_phase_mw_[static_cast<std::size_t>(first + lt) * np + ph] = phase_net;
          net += phase_net;
          soc += r.solution.x[dp.Energy(lt, ph)];
        }
      }
      plan_mw_[static_cast<std::size_t>(first + lt)] = net;
      plan_soc_mwh_[static_cast<std::size_t>(first + lt)] = soc;
    }
    const std::int64_t t_end = axis.TimeAt(first + count - 1);
    for (std::size_t ph = 0; ph < np; ++ph) {
      if (station_.phases[ph].in_service_unix_s > t_end) continue;
      energy[ph] = usable ? r.solution.x[dp.Energy(count - 1, ph)]
                          : (std::isnan(energy[ph]) ? station_.soc_initial * station_.phases[ph].energy_mwh : energy[ph]);
    }
  }
}

double OptimalStrategy::Setpoint(const Observation& obs) { return plan_mw_[static_cast<std::size_t>(obs.step)]; }

bool OptimalStrategy::PhaseTargets(std::int64_t step, std::vector<double>* net_mw) const {
  const std::size_t np = station_.phases.size();
  net_mw->assign(plan_phase_mw_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(step) * np),
                 plan_phase_mw_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(step + 1) * np));
  return true;
}

}  // namespace essim::dispatch

namespace essim::dispatch {

RollingHorizonStrategy::RollingHorizonStrategy(storage::StationConfig station, grid::GridConfig grid,
                                               RollingHorizonConfig cfg, opt::Options options)
    : station_(std::move(station)), grid_(grid), cfg_(std::move(cfg)), options_(options) {}

void RollingHorizonStrategy::Prepare(const InputView& inputs) {
  actual_ = inputs;
  pv_forecaster_ = Forecaster(cfg_.pv, *inputs.pv_mw, *inputs.axis, 1, inputs.pv_bound_mw);
  load_forecaster_ = Forecaster(cfg_.load, *inputs.load_mw, *inputs.axis, 2);
  price_forecaster_ = Forecaster(cfg_.price, *inputs.price_yuan_per_mwh, *inputs.axis, 3);
  const auto n = static_cast<std::size_t>(inputs.axis->count);
  used_pv_.assign(n, 0.0);
  used_load_ = used_pv_;
  used_price_ = used_pv_;
  committed_mw_.assign(n, 0.0);
  committed_phase_mw_.assign(n * station_.phases.size(), 0.0);
  committed_at_.assign(n, -1);
  last_start_ = 0;
  next_replan_ = 0;
  committed_end_ = 0;
  have_last_ = false;
  stats_ = PlanStats{};
}

std::vector<double> RollingHorizonStrategy::ProjectState(const std::vector<double>& stored_mwh, std::int64_t from,
                                                         std::int64_t to) const {
  // The stored energy at `to` as the plan's own model predicts it from `from`: the
  // committed setpoints of [from, to) through the LP's efficiencies and self-discharge,
  // held inside the SOC window; a phase commissioned on the way starts at soc.initial.
  const TimeAxis& axis = *actual_.axis;
  const double dt = axis.dt_h();
  const double keep = station_.RetentionPerStep(axis.step_s);
  const std::size_t np = station_.phases.size();
  std::vector<double> e = stored_mwh;
  e.resize(np, std::nan(""));
  for (std::int64_t j = from; j < to; ++j) {
    for (std::size_t ph = 0; ph < np; ++ph) {
      const auto& pc = station_.phases[ph];
      if (pc.in_service_unix_s > axis.TimeAt(j)) continue;
      if (std::isnan(e[ph])) e[ph] = station_.soc_initial * pc.energy_mwh;
      const double net = committed_phase_mw_[static_cast<std::size_t>(j) * np + ph];
      const double stored = keep * e[ph] + station_.eta_charge * dt * std::max(0.0, -net) - dt / station_.eta_discharge * std::max(0.0, net);
      e[ph] = std::clamp(stored, station_.soc_min * pc.energy_mwh, station_.soc_max * pc.energy_mwh);
    }
  }
  return e;
}

void RollingHorizonStrategy::Replan(const Observation& obs) {
  const TimeAxis& axis = *actual_.axis;
  const std::int64_t n = axis.count, k = obs.step;
  const std::int64_t horizon = std::max<std::int64_t>(1, cfg_.horizon_s / axis.step_s);
  const std::int64_t replan = std::max<std::int64_t>(1, cfg_.replan_s / axis.step_s);
  const std::int64_t commit = std::min(horizon, std::max(replan, cfg_.commit_s / axis.step_s));
  next_replan_ = k + replan;
  // The window starts at the first step not committed yet (k itself unless an earlier plan
  // committed past it) and this plan commits its setpoints up to k + commit.
  const std::int64_t start = std::max(k, committed_end_);
  const std::int64_t end = std::min(n, k + commit);
  if (start >= end) return;
  const std::int64_t h = std::min(horizon, n - start);
  // Forecasts issued now, at k, for [k, start + h): the window reads them from `start`.
  const std::int64_t lead = start - k;
  pv_forecaster_.Issue(k, lead + h, &pv_fc_);
  load_forecaster_.Issue(k, lead + h, &load_fc_);
  price_forecaster_.Issue(k, lead + h, &price_fc_);
  const TimeAxis window{axis.TimeAt(start), axis.step_s, h, axis.utc_offset_s};
  const Series pv = Eigen::Map<const Series>(pv_fc_.data() + lead, h), load = Eigen::Map<const Series>(load_fc_.data() + lead, h);
  const Series price = Eigen::Map<const Series>(price_fc_.data() + lead, h);
  const Series xlim = actual_.export_limit_mw->segment(start, h), mlim = actual_.import_limit_mw->segment(start, h);
  const InputView view{&window, &pv, &load, &price, &xlim, &mlim};
  OptimalConfig cfg = cfg_.optimal;
  if (!cfg.terminal_soc && !cfg.terminal_value_yuan_per_mwh) cfg.terminal_value_yuan_per_mwh = station_.eta_discharge * price.mean();
  const std::vector<double> initial = lead == 0 ? *obs.phase_stored_mwh : ProjectState(*obs.phase_stored_mwh, k, start);
  // Built into the problem of two windows back, whose structure it then keeps (only the
  // values change from window to window); the previous window's stays for the warm start.
  RebuildDispatchProblem(station_, grid_, view, cfg, 0, h, initial, &next_problem_);
  const DispatchProblem& dp = next_problem_;
  // Warm start from the previous window's optimum, shifted by the steps since then.
  opt::Options options = options_;
  options.tolerance = cfg_.tolerance;
  options.reduced_costs = false;  // (the plan and the next warm start need x and y only)
  opt::Solution warm;
  if (have_last_) {
    warm = ShiftSolution(last_problem_, last_solution_, dp, start - last_start_);
    options.warm_start = &warm;
  }
  opt::Result r = opt::Solve(dp.problem, options);
  if (!Usable(r) && RelaxTerminalTarget(station_, window, 0, h, initial, &next_problem_)) {
    options.warm_start = nullptr;
    r = SolveRelaxed(dp.problem, options, r, &stats_);
  }
  ExpandMergedPhases(dp, &r.solution.x);
  // (not usable: the documented fallback, idle through what this plan would commit)
  const bool usable = stats_.Add(r);
  const std::size_t np = station_.phases.size();
  for (std::int64_t j = start; j < end; ++j) {
    const auto js = static_cast<std::size_t>(j);
    const std::int64_t t = j - start;
    double total = 0.0;
    for (std::size_t ph = 0; ph < np; ++ph) {
      const double net = usable ? r.solution.x[dp.Discharge(t, ph)] - dp.ChargeMw(r.solution.x, t, ph) : 0.0;
      committed_phase_mw_[js * np + ph] = net;
      total += net;
    }
    committed_mw_[js] = total;
    committed_at_[js] = k;
    used_pv_[js] = pv_fc_[static_cast<std::size_t>(lead + t)];
    used_load_[js] = load_fc_[static_cast<std::size_t>(lead + t)];
    used_price_[js] = price_fc_[static_cast<std::size_t>(lead + t)];
  }
  committed_end_ = end;
  if (usable) {  // (a window not solved leaves the warm start to the last one that was)
    last_solution_ = r.solution;
    last_start_ = start;
    std::swap(last_problem_, next_problem_);  // the next window's warm start reads its layout
    have_last_ = true;
  }
}

double RollingHorizonStrategy::Setpoint(const Observation& obs) {
  if (obs.step >= next_replan_ || obs.step >= committed_end_) Replan(obs);
  return committed_mw_[static_cast<std::size_t>(obs.step)];
}

bool RollingHorizonStrategy::PhaseTargets(std::int64_t step, std::vector<double>* net_mw) const {
  const std::size_t np = station_.phases.size();
  const auto offset = static_cast<std::size_t>(step) * np;
  net_mw->assign(committed_phase_mw_.begin() + static_cast<std::ptrdiff_t>(offset),
                 committed_phase_mw_.begin() + static_cast<std::ptrdiff_t>(offset + np));
  return true;
}

}  // namespace essim::dispatch
