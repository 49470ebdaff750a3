#include "sim/io/output.h"

#include <chrono>
#include <fstream>
#include <cmath>

#include <fmt/format.h>

#include "sim/core/stopwatch.h"
#include "sim/io/atomic_file.h"

namespace essim::io {
namespace {

// Peak resident memory of this process so far (Linux VmHWM), MB; 0 where unavailable.
double PeakMemoryMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0.0;
}

// The annual table's columns, shared by summary.json ("years") and annual.csv.
struct YearColumn {
  const char* name;
  double (*get)(const engine::YearKpis&);
};
constexpr YearColumn kYearColumns[] = {
    {"days", [](const engine::YearKpis& y) { return y.days; }},
    {"pv_mwh", [](const engine::YearKpis& y) { return y.pv_mwh; }},
    {"curtailed_mwh", [](const engine::YearKpis& y) { return y.curtailed_mwh; }},
    {"curtailment_absorbed_mwh", [](const engine::YearKpis& y) { return y.curtailment_absorbed_mwh; }},
    {"charged_mwh", [](const engine::YearKpis& y) { return y.charged_mwh; }},
    {"discharged_mwh", [](const engine::YearKpis& y) { return y.discharged_mwh; }},
    {"aux_mwh", [](const engine::YearKpis& y) { return y.aux_mwh; }},
    {"losses_mwh", [](const engine::YearKpis& y) { return y.loss_total_mwh; }},
    {"energy_revenue_yuan", [](const engine::YearKpis& y) { return y.energy_revenue_yuan; }},
    {"capacity_revenue_yuan", [](const engine::YearKpis& y) { return y.capacity_revenue_yuan; }},
    {"charging_cost_yuan", [](const engine::YearKpis& y) { return y.charging_cost_yuan; }},
    {"aux_cost_yuan", [](const engine::YearKpis& y) { return y.aux_cost_yuan; }},
    {"net_revenue_yuan", [](const engine::YearKpis& y) { return y.net_revenue_yuan; }},
    {"equivalent_full_cycles", [](const engine::YearKpis& y) { return y.equivalent_full_cycles; }},
    {"availability", [](const engine::YearKpis& y) { return y.availability; }},
    {"capacity_mwh", [](const engine::YearKpis& y) { return y.capacity_mwh; }},
    {"state_of_health", [](const engine::YearKpis& y) { return y.state_of_health; }},
};

}  // namespace

void TimeseriesCsvTo(const engine::RunResult& r, const PvDetail* pv, const PlanOutput* plan,
                     const std::function<void(std::string_view)>& emit) {
  // Handed on in pieces of about 1 MB: a year at 15 minutes is ~10 MB of text, which would
  // otherwise be held, grown and copied whole (fresh memory is costly on some hosts).
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  fmt::memory_buffer out;
  const std::int64_t n = r.axis.count;
  out.reserve(kPiece + 4096);
  auto put = [&out](std::string_view s) { out.append(s.data(), s.data() + s.size()); };
  put("time,pv_mw,curtailed_mw,load_mw,aux_mw,setpoint_mw,charge_mw,discharge_mw,export_mw,import_mw,"
         "price_yuan_per_mwh,soc_mwh,station_loss_mw,charge_loss_mw,discharge_loss_mw,self_discharge_loss_mw");
  if (r.physics) put(",loss_pcs_mw,loss_battery_mw,loss_skid_tx_mw,loss_main_tx_mw,aux_load_mw,loss_fade_mw,temp_air_c,available_mw");
  for (const auto& p : r.phase_names) fmt::format_to(std::back_inserter(out), ",soc_mwh[{}]", p);
  if (r.physics) {
    for (const auto& p : r.phase_names) fmt::format_to(std::back_inserter(out), ",capacity_mwh[{}]", p);
  }
  if (plan && !plan->soc_mwh.empty()) put(",plan_soc_mwh");
  const bool forecasts = plan && !plan->forecast_pv_mw.empty();
  if (forecasts) put(",forecast_pv_mw,forecast_load_mw,forecast_price_yuan_per_mwh");
  if (pv) {
    put(",solar_zenith_deg,solar_azimuth_deg");
    for (const char* col : {"aoi_deg", "poa_w_m2", "cell_temp_c", "pv_dc_mw", "pv_ac_mw"}) {
      for (const auto& name : pv->plant_names) fmt::format_to(std::back_inserter(out), ",{}[{}]", col, name);
    }
  }
  put("\n");
  char ts[25];
  auto buf = std::back_inserter(out);
  for (std::int64_t k = 0; k < n; ++k) {
    FormatIsoTimeTo(r.axis.TimeAt(k), r.axis.utc_offset_s, ts);
    out.append(ts, ts + 25);
    // Shortest round-trip representation: the CSV reproduces the doubles exactly.
    fmt::format_to(buf, ",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", r.pv_mw[k], r.curtailed_mw[k], r.load_mw[k],
                   r.aux_mw[k], r.setpoint_mw[k], r.charge_mw[k], r.discharge_mw[k], r.export_mw[k], r.import_mw[k],
                   r.price_yuan_per_mwh[k], r.soc_mwh[k], r.station_loss_mw[k], r.charge_loss_mw[k],
                   r.discharge_loss_mw[k], r.self_discharge_loss_mw[k]);
    if (r.physics) {
      fmt::format_to(buf, ",{},{},{},{},{},{},{},{}", r.loss_pcs_mw[k], r.loss_battery_mw[k], r.loss_skid_tx_mw[k],
                     r.loss_main_tx_mw[k], r.aux_load_mw[k], r.loss_fade_mw[k], r.temp_air_c[k], r.available_mw[k]);
    }
    for (Eigen::Index p = 0; p < r.phase_soc_mwh.cols(); ++p) fmt::format_to(buf, ",{}", r.phase_soc_mwh(k, p));
    if (r.physics) {
      for (Eigen::Index p = 0; p < r.phase_capacity_mwh.cols(); ++p) fmt::format_to(buf, ",{}", r.phase_capacity_mwh(k, p));
    }
    if (plan && !plan->soc_mwh.empty()) fmt::format_to(buf, ",{}", plan->soc_mwh[static_cast<std::size_t>(k)]);
    if (forecasts) {
      const auto i = static_cast<std::size_t>(k);
      fmt::format_to(buf, ",{},{},{}", plan->forecast_pv_mw[i], plan->forecast_load_mw[i], plan->forecast_price_yuan_per_mwh[i]);
    }
    if (pv) {
      fmt::format_to(buf, ",{},{}", pv->sun.apparent_zenith_deg[k], pv->sun.azimuth_deg[k]);
      for (const auto& pl : pv->plants) fmt::format_to(buf, ",{}", pl.aoi_deg[k]);
      for (const auto& pl : pv->plants) fmt::format_to(buf, ",{}", pl.poa_w_m2[k]);
      for (const auto& pl : pv->plants) fmt::format_to(buf, ",{}", pl.cell_temp_c[k]);
      for (const auto& pl : pv->plants) fmt::format_to(buf, ",{}", pl.dc_mw[k]);
      for (const auto& pl : pv->plants) fmt::format_to(buf, ",{}", pl.ac_mw[k]);
    }
    put("\n");
    if (out.size() >= kPiece) {
      emit(std::string_view(out.data(), out.size()));
      out.clear();
    }
  }
  emit(std::string_view(out.data(), out.size()));
}

std::string TimeseriesCsv(const engine::RunResult& r, const PvDetail* pv, const PlanOutput* plan) {
  std::string text;
  TimeseriesCsvTo(r, pv, plan, [&](std::string_view piece) { text.append(piece); });
  return text;
}

nlohmann::json SummaryJson(const Scenario& sc, const engine::RunResult& r, const engine::Kpis& k, const Timings& t,
                           const PlanOutput* plan) {
  using nlohmann::json;
  json j;
  j["scenario"] = {{"name", sc.name}, {"file", sc.file}};
  j["period"] = {{"start", FormatIsoTime(r.axis.start_unix_s, r.axis.utc_offset_s)},
                 {"end", FormatIsoTime(r.axis.EndTime(), r.axis.utc_offset_s)},
                 {"step_s", r.axis.step_s},
                 {"steps", r.axis.count}};
  j["strategy"] = {{"name", r.strategy}, {"foresight", std::string(dispatch::ForesightName(r.foresight))}};
  j["energy_mwh"] = {
      {"pv", k.pv_mwh},
      {"curtailed", k.curtailed_mwh},
      {"curtailment_absorbed", k.curtailment_absorbed_mwh},
      {"load", k.load_mwh},
      {"charged", k.charged_mwh},
      {"discharged", k.discharged_mwh},
      {"exported", k.exported_mwh},
      {"imported", k.imported_mwh},
      {"aux", k.aux_mwh},
      {"losses", {{"charge_conversion", k.loss_charge_conversion_mwh},
                  {"discharge_conversion", k.loss_discharge_conversion_mwh},
                  {"self_discharge", k.loss_self_discharge_mwh},
                  {"total_station", k.loss_total_mwh},
                  {"aux", k.aux_mwh}}},
      {"losses_by_cause", {{"pcs", k.loss_pcs_mwh},
                           {"battery", k.loss_battery_mwh},
                           {"skid_transformer", k.loss_skid_tx_mwh},
                           {"main_transformer", k.loss_main_tx_mwh},
                           {"auxiliary", k.loss_aux_mwh},
                           {"self_discharge", k.loss_self_discharge_mwh},
                           {"capacity_fade", k.loss_fade_mwh}}},
      {"aux_by_month", std::vector<double>(std::begin(k.aux_by_month_mwh), std::end(k.aux_by_month_mwh))},
      {"stored_initial", k.initial_stored_mwh},
      {"stored_commissioned", k.commissioned_mwh},
      {"stored_final", k.final_stored_mwh},
  };
  j["equivalent_full_cycles"] = k.equivalent_full_cycles;
  j["round_trip_efficiency"] = k.round_trip_efficiency;
  j["round_trip_efficiency_with_aux"] = k.round_trip_efficiency_with_aux;
  j["revenue_yuan"] = {{"energy", k.energy_revenue_yuan},
                       {"capacity", k.capacity_revenue_yuan},
                       {"charging_cost", k.charging_cost_yuan},
                       {"aux_cost", k.aux_cost_yuan},
                       {"net", k.net_revenue_yuan}};
  j["checks"] = {{"max_node_imbalance_mw", k.max_node_imbalance_mw},
                 {"max_station_imbalance_mw", k.max_station_imbalance_mw},
                 {"max_cause_imbalance_mw", k.max_cause_imbalance_mw},
                 {"max_ledger_imbalance_mw", std::max(k.max_node_imbalance_mw, k.max_station_imbalance_mw)},
                 {"min_soc_margin_mwh", k.min_soc_margin_mwh},
                 {"clipped_setpoints", k.clipped_steps},
                 {"clipped_mwh", k.clipped_mwh},
                 {"import_over_limit_steps", k.import_over_limit_steps},
                 {"standby_charge_mwh", k.standby_charge_mwh}};
  json phases = json::array();
  for (const auto& p : k.phases) {
    phases.push_back({{"name", p.name},
                      {"discharged_from_storage_mwh", p.discharged_stored_mwh},
                      {"equivalent_full_cycles", p.equivalent_full_cycles},
                      {"stored_final_mwh", p.final_stored_mwh},
                      {"days_in_service", p.days_in_service},
                      {"capacity_revenue_yuan", p.capacity_revenue_yuan},
                      {"nameplate_mwh", p.nameplate_mwh},
                      {"capacity_mwh", p.capacity_mwh},
                      {"state_of_health", p.state_of_health},
                      {"cycle_fade_mwh", p.cycle_fade_mwh},
                      {"calendar_fade_mwh", p.calendar_fade_mwh},
                      {"augmented_mwh", p.augmented_mwh},
                      {"augmentations", p.augmentations},
                      {"projected_end_of_life_year", p.projected_end_of_life_year}});
  }
  j["phases"] = phases;
  j["availability"] = {{"achieved", k.availability},
                       {"discharge_lost_mwh", k.outage_lost_discharge_mwh},
                       {"charge_lost_mwh", k.outage_lost_charge_mwh},
                       {"revenue_lost_yuan", k.outage_lost_revenue_yuan}};
  json years = json::array();
  for (const auto& y : k.years) {
    json row{{"year", y.year}};
    for (const auto& c : kYearColumns) row[c.name] = c.get(y);
    years.push_back(std::move(row));
  }
  j["years"] = years;
  if (plan) {
    double soc_gap = 0.0, power_gap = 0.0;
    for (std::int64_t i = 0; i < r.axis.count; ++i) {
      if (!plan->soc_mwh.empty()) soc_gap = std::max(soc_gap, std::abs(plan->soc_mwh[static_cast<std::size_t>(i)] - r.soc_mwh[i]));
      power_gap = std::max(power_gap, std::abs(r.setpoint_mw[i] - (r.discharge_mw[i] - r.charge_mw[i])));
    }
    j["solver"] = {{"status", plan->stats.status},
                   {"objective_yuan", plan->stats.objective_yuan},
                   {"iterations", plan->stats.iterations},
                   {"windows", plan->stats.windows},
                   {"fallbacks", plan->stats.fallbacks},
                   {"cold_restarts", plan->stats.cold_restarts},
                   {"relaxed_terminals", plan->stats.relaxed_terminals},
                   {"linear_solver", plan->stats.linear_solver},
                   {"solve_time_s", plan->stats.solve_seconds}};
    j["plan_vs_realized"] = {{"max_power_gap_mw", power_gap}, {"energy_gap_mwh", k.clipped_mwh}, {"max_soc_gap_mwh", soc_gap}};
    if (!plan->forecast_pv_mw.empty()) {
      // Mean absolute error of the forecasts each step was planned with.
      double pv = 0.0, load = 0.0, price = 0.0;
      const auto n = static_cast<double>(std::max<std::int64_t>(1, r.axis.count));
      for (std::int64_t i = 0; i < r.axis.count; ++i) {
        const auto u = static_cast<std::size_t>(i);
        pv += std::abs(plan->forecast_pv_mw[u] - r.pv_mw[i]);
        load += std::abs(plan->forecast_load_mw[u] - r.load_mw[i]);
        price += std::abs(plan->forecast_price_yuan_per_mwh[u] - r.price_yuan_per_mwh[i]);
      }
      j["forecast_error"] = {{"pv_mae_mw", pv / n}, {"load_mae_mw", load / n}, {"price_mae_yuan_per_mwh", price / n}};
    }
  }
  j["peak_memory_mb"] = PeakMemoryMb();
  j["wall_time_s"] = {{"load", t.load_s},     {"inputs", t.inputs_s}, {"engine", t.engine_s},
                      {"outage_counterfactual", t.outage_counterfactual_s}, {"output", t.output_s}, {"total", t.total_s}};
  return j;
}

void WriteOutputs(const std::string& dir, const Scenario& sc, const engine::RunResult& r, const engine::Kpis& k,
                  Timings* t, const PvDetail* pv, const PlanOutput* plan) {
  const auto t0 = std::chrono::steady_clock::now();
  AtomicFileSet files(dir);
  if (sc.write_timeseries) {
    files.WriteWith("timeseries.csv", [&](const std::function<void(std::string_view)>& append) {
      TimeseriesCsvTo(r, sc.pv_detail ? pv : nullptr, plan, append);
    });
  }
  t->output_s = SecondsSince(t0);
  t->total_s += t->output_s;
  files.Write("summary.json", SummaryJson(sc, r, k, *t, plan).dump(2) + "\n");
  files.Write("annual.csv", AnnualCsv(k));
  files.Commit();
}

std::string AnnualCsv(const engine::Kpis& k) {
  std::string out = "year";
  for (const auto& c : kYearColumns) out += fmt::format(",{}", c.name);
  out += '\n';
  for (const auto& y : k.years) {
    out += fmt::format("{}", y.year);
    for (const auto& c : kYearColumns) out += fmt::format(",{}", c.get(y));
    out += '\n';
  }
  return out;
}

}  // namespace essim::io
