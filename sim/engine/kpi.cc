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
  k.loss_pcs_mwh = r.loss_pcs_mw.sum() * dt;
  k.loss_battery_mwh = r.loss_battery_mw.sum() * dt;
  k.loss_skid_tx_mwh = r.loss_skid_tx_mw.sum() * dt;
  k.loss_main_tx_mwh = r.loss_main_tx_mw.sum() * dt;
  k.loss_aux_mwh = r.aux_load_mw.sum() * dt;
  k.loss_fade_mwh = r.loss_fade_mw.sum() * dt;

  k.commissioned_mwh = r.commissioned_mwh.sum();
  k.initial_stored_mwh = r.initial_stored_mwh;
  k.final_stored_mwh = r.axis.count > 0 ? r.soc_mwh[r.axis.count - 1] : r.initial_stored_mwh;

  double nameplate = 0.0;
  for (const auto& p : model.station.phases) nameplate += p.energy_mwh;
  double prev_soc = r.initial_stored_mwh;
  double margin = std::numeric_limits<double>::infinity();
  // One pass over the rows: whole-run totals, checks, availability, aux by month and the
  // annual table (local calendar; the date is recomputed only when the local day changes).
  double avail = 0.0, rated = 0.0, year_avail = 0.0, year_rated = 0.0;
  YearKpis* y = nullptr;
  std::int64_t day = std::numeric_limits<std::int64_t>::min();
  unsigned month = 1;
  for (std::int64_t i = 0; i < r.axis.count; ++i) {
    const std::int64_t t = r.axis.TimeAt(i);
    const std::int64_t local = t + r.axis.utc_offset_s;
    const std::int64_t local_day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    if (local_day != day) {
      day = local_day;
      std::int64_t year;
      unsigned d;
      CivilFromDays(day, &year, &month, &d);
      if (!y || y->year != year) {
        if (y) y->availability = year_rated > 0.0 ? year_avail / year_rated : 1.0;
        k.years.push_back(YearKpis{});
        y = &k.years.back();
        y->year = static_cast<int>(year);
        year_avail = year_rated = 0.0;
      }
    }
    const double node = r.pv_mw[i] - r.curtailed_mw[i] + r.import_mw[i] + r.discharge_mw[i] -
                        r.load_mw[i] - r.aux_mw[i] - r.charge_mw[i] - r.export_mw[i];
    k.max_node_imbalance_mw = std::max(k.max_node_imbalance_mw, std::abs(node));
    const double station = r.charge_mw[i] - r.discharge_mw[i] - r.station_loss_mw[i] -
                           (r.soc_mwh[i] - prev_soc - r.commissioned_mwh[i]) / dt;
    k.max_station_imbalance_mw = std::max(k.max_station_imbalance_mw, std::abs(station));
    const double by_cause = r.charge_mw[i] + r.aux_mw[i] - r.discharge_mw[i] -
                            (r.loss_pcs_mw[i] + r.loss_battery_mw[i] + r.loss_skid_tx_mw[i] + r.loss_main_tx_mw[i] +
                             r.aux_load_mw[i] + r.self_discharge_loss_mw[i] + r.loss_fade_mw[i]) -
                            (r.soc_mwh[i] - prev_soc - r.commissioned_mwh[i]) / dt;
    k.max_cause_imbalance_mw = std::max(k.max_cause_imbalance_mw, std::abs(by_cause));
    prev_soc = r.soc_mwh[i];
    const double price = r.price_yuan_per_mwh[i];
    const double revenue = r.discharge_mw[i] * price * dt, cost = r.charge_mw[i] * price * dt, aux_cost = r.aux_mw[i] * price * dt;
    k.energy_revenue_yuan += revenue;
    k.charging_cost_yuan += cost;
    k.aux_cost_yuan += aux_cost;
    const double would_curtail =
        std::max(0.0, r.pv_mw[i] - r.load_mw[i] - r.aux_mw[i] - r.export_limit_mw[i]);
    const double absorbed = std::min(r.charge_mw[i], would_curtail) * dt;
    k.curtailment_absorbed_mwh += absorbed;
    k.aux_by_month_mwh[month - 1] += r.aux_load_mw[i] * dt;
    double cap_sum = 0.0, original = 0.0, in_service = 0.0;
    for (std::size_t p = 0; p < model.station.phases.size(); ++p) {
      const auto& pc = model.station.phases[p];
      if (t < pc.in_service_unix_s) continue;  // not yet in service
      const double e = r.phase_soc_mwh(i, static_cast<Eigen::Index>(p));
      const double cap = r.phase_capacity_mwh(i, static_cast<Eigen::Index>(p));
      margin = std::min({margin, e - model.station.soc_min * cap, model.station.soc_max * cap - e});
      cap_sum += cap;
      original += pc.energy_mwh;
      in_service += pc.power_mw;
      // Capacity compensation accrues per second in service.
      y->capacity_revenue_yuan += market::CapacityRevenue(model.capacity, pc.power_mw, r.axis.step_s);
    }
    avail += r.available_mw[i];
    rated += in_service;
    year_avail += r.available_mw[i];
    year_rated += in_service;
    y->days += 1.0;  // steps for now; converted to days below (no rounding drift)
    y->pv_mwh += r.pv_mw[i] * dt;
    y->curtailed_mwh += r.curtailed_mw[i] * dt;
    y->curtailment_absorbed_mwh += absorbed;
    y->charged_mwh += r.charge_mw[i] * dt;
    y->discharged_mwh += r.discharge_mw[i] * dt;
    y->aux_mwh += r.aux_mw[i] * dt;
    y->loss_total_mwh += r.station_loss_mw[i] * dt;
    y->energy_revenue_yuan += revenue;
    y->charging_cost_yuan += cost;
    y->aux_cost_yuan += aux_cost;
    y->capacity_mwh = cap_sum;
    y->state_of_health = original > 0.0 ? cap_sum / original : 1.0;
  }
  k.min_soc_margin_mwh = std::isfinite(margin) ? margin : 0.0;
  k.availability = rated > 0.0 ? avail / rated : 1.0;
  if (y) y->availability = year_rated > 0.0 ? year_avail / year_rated : 1.0;
  for (auto& yy : k.years) {
    yy.days = yy.days * r.axis.step_s / 86400.0;
    yy.net_revenue_yuan = yy.energy_revenue_yuan + yy.capacity_revenue_yuan - yy.charging_cost_yuan - yy.aux_cost_yuan;
    yy.equivalent_full_cycles = nameplate > 0.0 ? yy.discharged_mwh / (model.station.eta_discharge * nameplate) : 0.0;
  }

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
    const double original = model.station.phases[p].energy_mwh;
    if (p < r.phase_health.size()) {
      const auto& h = r.phase_health[p];
      pk.nameplate_mwh = h.nameplate_mwh;
      pk.capacity_mwh = h.capacity_mwh;
      pk.cycle_fade_mwh = h.cycle_fade_mwh;
      pk.calendar_fade_mwh = h.calendar_fade_mwh;
      pk.augmented_mwh = h.augmented_mwh;
      pk.augmentations = h.augmentations;
    } else {
      pk.nameplate_mwh = pk.capacity_mwh = original;
    }
    pk.state_of_health = pk.capacity_mwh / original;
    // End of life at this run's rates: cycle fade linear in time, calendar fade ∝ √t, both
    // over the days in service; solve eol = 1 − c·t − a·√t for t (original block only).
    const double days = pk.days_in_service;
    const double eol = model.station.ageing.end_of_life_soh;
    if (model.station.ageing.enabled && days > 0.0 && pk.augmentations == 0) {
      const double c = pk.cycle_fade_mwh / original / days, a = pk.calendar_fade_mwh / original / std::sqrt(days);
      const double target = 1.0 - eol;
      double t_days = 0.0;
      if (c > 0.0) {
        const double x = (-a + std::sqrt(a * a + 4.0 * c * target)) / (2.0 * c);  // √t
        t_days = x * x;
      } else if (a > 0.0) {
        t_days = (target / a) * (target / a);
      }
      if (t_days > 0.0) {
        const std::int64_t start = std::max<std::int64_t>(r.axis.start_unix_s, model.station.phases[p].in_service_unix_s);
        pk.projected_end_of_life_year = 1970.0 + (static_cast<double>(start + r.axis.utc_offset_s) / 86400.0 + t_days) / 365.2425;
      }
    }
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
