#include "sim/engine/kpi.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace essim::engine {

Kpis ComputeKpis(const RunResult& r, const ModelConfig& model) {
  Kpis k;
  const double dt = r.axis.dt_h();
  k.pv_mwh = r.pv_mw.sum() * dt;
  k.curtailed_mwh = r.curtailed_mw.sum() * dt;
  k.load_mwh = r.load_mw.sum() * dt;
  k.aux_mwh = r.aux_mw.sum() * dt;
  k.charged_mwh = r.charge_mw.sum() * dt;
  k.discharged_mwh = r.discharge_mw.sum() * dt;
  k.exported_mwh = r.export_mw.sum() * dt;
  k.imported_mwh = r.import_mw.sum() * dt;
  k.loss_charge_conversion_mwh = r.charge_loss_mw.sum() * dt;
  k.loss_discharge_conversion_mwh = r.discharge_loss_mw.sum() * dt;
  k.loss_self_discharge_mwh = r.self_discharge_loss_mw.sum() * dt;
  k.loss_total_mwh = r.station_loss_mw.sum() * dt;
  k.commissioned_mwh = r.commissioned_mwh.sum();
  k.initial_stored_mwh = r.initial_stored_mwh;
  k.final_stored_mwh = r.axis.count > 0 ? r.soc_mwh[r.axis.count - 1] : r.initial_stored_mwh;

  double nameplate = 0.0;
  for (const auto& p : model.station.phases) nameplate += p.energy_mwh;
  double prev_soc = r.initial_stored_mwh;
  double margin = std::numeric_limits<double>::infinity();
  for (std::int64_t i = 0; i < r.axis.count; ++i) {
    const double node = r.pv_mw[i] - r.curtailed_mw[i] + r.import_mw[i] + r.discharge_mw[i] -
                        r.load_mw[i] - r.aux_mw[i] - r.charge_mw[i] - r.export_mw[i];
    k.max_node_imbalance_mw = std::max(k.max_node_imbalance_mw, std::abs(node));
    const double station = r.charge_mw[i] - r.discharge_mw[i] - r.station_loss_mw[i] -
                           (r.soc_mwh[i] - prev_soc - r.commissioned_mwh[i]) / dt;
    k.max_station_imbalance_mw = std::max(k.max_station_imbalance_mw, std::abs(station));
    prev_soc = r.soc_mwh[i];
    const double price = r.price_yuan_per_mwh[i];
    k.energy_revenue_yuan += r.discharge_mw[i] * price * dt;
    k.charging_cost_yuan += r.charge_mw[i] * price * dt;
    k.aux_cost_yuan += r.aux_mw[i] * price * dt;
    const double would_curtail =
        std::max(0.0, r.pv_mw[i] - r.load_mw[i] - r.aux_mw[i] - r.export_limit_mw[i]);
    k.curtailment_absorbed_mwh += std::min(r.charge_mw[i], would_curtail) * dt;
    for (std::size_t p = 0; p < model.station.phases.size(); ++p) {
      const auto& pc = model.station.phases[p];
      const double e = r.phase_soc_mwh(i, static_cast<Eigen::Index>(p));
      if (r.axis.TimeAt(i) < pc.in_service_unix_s) continue;  // not yet in service
      margin = std::min({margin, e - model.station.soc_min * pc.energy_mwh,
                         model.station.soc_max * pc.energy_mwh - e});
    }
  }
  k.min_soc_margin_mwh = std::isfinite(margin) ? margin : 0.0;

  double drawn = 0.0;
  for (std::size_t p = 0; p < model.station.phases.size(); ++p) {
    PhaseKpis pk;
    pk.name = model.station.phases[p].name;
    pk.discharged_stored_mwh = r.phase_discharged_stored_mwh[p];
    pk.equivalent_full_cycles = pk.discharged_stored_mwh / model.station.phases[p].energy_mwh;
    pk.final_stored_mwh = r.axis.count > 0 ? r.phase_soc_mwh(r.axis.count - 1, static_cast<Eigen::Index>(p)) : 0.0;
    pk.days_in_service = r.phase_seconds_in_service[p] / 86400.0;
    pk.capacity_revenue_yuan = market::CapacityRevenue(model.capacity, model.station.phases[p].power_mw,
                                                       r.phase_seconds_in_service[p]);
    k.capacity_revenue_yuan += pk.capacity_revenue_yuan;
    drawn += pk.discharged_stored_mwh;
    k.phases.push_back(pk);
  }
  k.equivalent_full_cycles = nameplate > 0.0 ? drawn / nameplate : 0.0;
  // Round trip corrected for the change in stored energy over the run: energy left
  // in storage is credited as the POI charge it took (Δ/η_c); energy drawn from the
  // initial stock is removed from the output as the POI discharge it gave (−Δ·η_d).
  const double delta = k.final_stored_mwh - k.initial_stored_mwh - k.commissioned_mwh;
  double out = k.discharged_mwh, in = k.charged_mwh;
  if (delta >= 0.0) {
    in -= delta / model.station.eta_charge;
  } else {
    out += delta * model.station.eta_discharge;
  }
  k.round_trip_efficiency = in > 0.0 && out > 0.0 ? out / in : 0.0;
  k.round_trip_efficiency_with_aux = in + k.aux_mwh > 0.0 && out > 0.0 ? out / (in + k.aux_mwh) : 0.0;
  k.net_revenue_yuan = k.energy_revenue_yuan + k.capacity_revenue_yuan - k.charging_cost_yuan - k.aux_cost_yuan;
  k.clipped_steps = r.clipped_steps;
  k.clipped_mwh = r.clipped_mwh;
  k.import_over_limit_steps = r.import_over_limit_steps;
  k.standby_charge_mwh = r.standby_charge_mwh;
  return k;
}

}  // namespace essim::engine
