#include "sim/engine/engine.h"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "sim/core/stopwatch.h"

namespace essim::engine {
namespace {
// A setpoint counts as clipped when the realized power differs by more than this fraction
// of the rating in service (10 kW for 1000 MW) plus 1 kW: below that are the tolerances of
// optimized plans (a few kW at SOC limits), not limits.
constexpr double kClipToleranceRel = 1e-5;
constexpr double kClipToleranceMw = 1e-3;
}  // namespace

dispatch::InputView ViewOf(const Inputs& in) {
  return {&in.axis, &in.pv_mw, &in.load_mw, &in.price_yuan_per_mwh, &in.export_limit_mw, &in.import_limit_mw,
          in.pv_bound_mw.size() == in.pv_mw.size() ? &in.pv_bound_mw : nullptr};
}

RunResult Run(const ModelConfig& model, const Inputs& inputs, dispatch::Strategy& strategy,
              const Progress& progress) {
  RunResult r;
  RunInto(model, inputs, strategy, &r, progress);
  return r;
}

void RunInto(const ModelConfig& model, const Inputs& in, dispatch::Strategy& strategy, RunResult* result,
             const Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (const auto errors = model.station.Validate(); !errors.empty()) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e;
    throw std::invalid_argument("invalid station: " + all);
  }
  const TimeAxis& axis = in.axis;
  const std::int64_t n = axis.count;
  const std::size_t np = model.station.phases.size();
  RunResult& r = *result;
  r.axis = axis;
  r.strategy = std::string(strategy.name());
  r.foresight = strategy.foresight();
  for (auto* s : {&r.curtailed_mw, &r.aux_mw, &r.setpoint_mw, &r.charge_mw, &r.discharge_mw,
                  &r.export_mw, &r.import_mw, &r.soc_mwh, &r.charge_loss_mw,
                  &r.discharge_loss_mw, &r.self_discharge_loss_mw, &r.station_loss_mw,
                  &r.commissioned_mwh, &r.standby_mw, &r.loss_pcs_mw, &r.loss_battery_mw, &r.loss_skid_tx_mw,
                  &r.loss_main_tx_mw, &r.aux_load_mw, &r.loss_fade_mw, &r.temp_air_c, &r.available_mw}) {
    s->resize(n);
  }
  r.phase_names.clear();
  r.phase_discharged_stored_mwh.clear();
  r.clipped_steps = 0;
  r.clipped_mwh = 0.0;
  r.standby_charge_mwh = 0.0;
  r.import_over_limit_steps = 0;
  r.pv_mw = in.pv_mw;
  r.load_mw = in.load_mw;
  r.price_yuan_per_mwh = in.price_yuan_per_mwh;
  r.export_limit_mw = in.export_limit_mw;
  r.import_limit_mw = in.import_limit_mw;
  r.phase_soc_mwh.resize(n, static_cast<Eigen::Index>(np));
  r.phase_capacity_mwh.resize(n, static_cast<Eigen::Index>(np));
  const auto& st = model.station;
  r.physics = st.conversion.detailed || st.aux.temperature_driven() || st.ageing.enabled || st.HasOutages();
  const bool has_temp = in.temp_air_c.size() == n;
  for (const auto& p : model.station.phases) r.phase_names.push_back(p.name);
  r.phase_seconds_in_service.assign(np, 0);

  if (strategy.foresight() != dispatch::Foresight::kNone) {
    strategy.Prepare(ViewOf(in));
  }

  storage::Station station(model.station, axis);
  const double dt_h = axis.dt_h();
  const double eta_d = model.station.eta_discharge;
  const std::int64_t progress_every = std::max<std::int64_t>(1, n / 100);
  int sod = axis.LocalSecondOfDay(0), month = axis.LocalMonth(0);
  std::vector<double> phase_targets, phase_stored(np);
  for (std::int64_t k = 0; k < n; ++k) {
    if (k > 0) {  // advance the local clock; the calendar only at midnight
      sod += axis.step_s;
      if (sod >= 86400) {
        sod = axis.LocalSecondOfDay(k);
        month = axis.LocalMonth(k);
      }
    }
    const double temp_c = has_temp ? in.temp_air_c[k] : 20.0;
    const storage::StepLimits lim = station.BeginStep(k, temp_c);
    // Phases in service at the start hold the initial energy; later ones are commissioned.
    if (k == 0) r.initial_stored_mwh = lim.commissioned_mwh;

    dispatch::Observation obs;
    obs.step = k;
    obs.local_second_of_day = sod;
    obs.local_month = month;
    obs.dt_h = dt_h;
    obs.pv_mw = in.pv_mw[k];
    obs.load_mw = in.load_mw[k];
    obs.aux_mw = lim.aux_mw;
    obs.price_yuan_per_mwh = in.price_yuan_per_mwh[k];
    obs.export_limit_mw = in.export_limit_mw[k];
    obs.import_limit_mw = in.import_limit_mw[k];
    obs.charge_max_mw = lim.charge_max_mw;
    obs.discharge_max_mw = lim.discharge_max_mw;
    obs.power_rating_mw = station.power_in_service_mw();
    double stored_after_sd = 0.0, dischargeable = 0.0;
    for (std::size_t i = 0; i < np; ++i) {
      if (!station.phase_in_service(i)) continue;
      r.phase_seconds_in_service[i] += axis.step_s;
      const double e = station.phase_available_mwh(i);
      stored_after_sd += e;
      const double floor = model.station.soc_min * station.phase_capacity_mwh(i);
      dischargeable += std::max(0.0, e - floor) * eta_d;
    }
    obs.stored_mwh = stored_after_sd;
    obs.dischargeable_mwh = dischargeable;
    for (std::size_t i = 0; i < np; ++i) {
      phase_stored[i] = station.phase_in_service(i) ? station.phase_stored_mwh(i) : std::nan("");
    }
    obs.phase_stored_mwh = &phase_stored;

    const double setpoint = strategy.Setpoint(obs);

    grid::NodeInput node{in.pv_mw[k], in.load_mw[k], lim.aux_mw, in.export_limit_mw[k],
                         in.import_limit_mw[k]};
    grid::StationRange range{lim.charge_max_mw, lim.discharge_max_mw, lim.charge_min_mw,
                             lim.ramp_lo_mw, lim.ramp_hi_mw};
    const grid::NodeFlows f = grid::ResolveNode(node, range, model.grid, setpoint);
    const bool targeted = strategy.PhaseTargets(k, &phase_targets);
    const storage::StepLosses loss = station.Apply(f.charge_mw, f.discharge_mw, targeted ? &phase_targets : nullptr);

    // The standby charge that holds SOC at its minimum is the station's own, not clipping.
    const double standby = std::min(lim.charge_min_mw, lim.charge_max_mw);
    r.standby_charge_mwh += standby * dt_h;
    r.standby_mw[k] = standby;
    const double gap = std::abs(setpoint - f.net_mw);
    if (gap > kClipToleranceMw + kClipToleranceRel * station.power_in_service_mw()) {
      ++r.clipped_steps;
      r.clipped_mwh += gap * dt_h;
    }
    r.import_over_limit_steps += f.import_over_limit;
    r.setpoint_mw[k] = setpoint;
    r.curtailed_mw[k] = f.curtailed_mw;
    r.aux_mw[k] = lim.aux_mw;
    r.charge_mw[k] = f.charge_mw;
    r.discharge_mw[k] = f.discharge_mw;
    r.export_mw[k] = f.export_mw;
    r.import_mw[k] = f.import_mw;
    r.loss_pcs_mw[k] = loss.chain.pcs;
    r.loss_battery_mw[k] = loss.chain.battery;
    r.loss_skid_tx_mw[k] = loss.chain.skid + lim.skid_no_load_mw;
    r.loss_main_tx_mw[k] = loss.chain.main + lim.main_no_load_mw;
    r.aux_load_mw[k] = lim.aux_load_mw;
    r.loss_fade_mw[k] = loss.fade_mw;
    r.temp_air_c[k] = temp_c;
    r.available_mw[k] = lim.available_mw;
    r.charge_loss_mw[k] = loss.charge_conversion_mw;
    r.discharge_loss_mw[k] = loss.discharge_conversion_mw;
    r.self_discharge_loss_mw[k] = loss.self_discharge_mw;
    r.station_loss_mw[k] = loss.Total();
    r.commissioned_mwh[k] = k == 0 ? 0.0 : lim.commissioned_mwh;
    double soc = 0.0;
    for (std::size_t i = 0; i < np; ++i) {
      const double e = station.phase_stored_mwh(i);
      r.phase_soc_mwh(k, static_cast<Eigen::Index>(i)) = e;
      r.phase_capacity_mwh(k, static_cast<Eigen::Index>(i)) = station.phase_capacity_mwh(i);
      soc += e;
    }
    r.soc_mwh[k] = soc;
    station.EndStep();
    if (progress && (k + 1) % progress_every == 0) progress(k + 1, n);
  }
  station.Finish();
  r.phase_health.clear();
  for (std::size_t i = 0; i < np; ++i) {
    r.phase_discharged_stored_mwh.push_back(station.phase_discharged_stored_mwh(i));
    r.phase_health.push_back(station.phase_health(i));
  }
  r.engine_seconds = SecondsSince(t0);
}

}  // namespace essim::engine
