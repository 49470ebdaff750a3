// Run outputs: timeseries.csv (one row per step, units in column names) and
// summary.json (totals, KPIs, checks, timings), written atomically together.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/engine/engine.h"
#include "sim/engine/kpi.h"
#include "sim/io/scenario.h"

namespace essim::io {

//! Wall times of the phases of a run, s.
struct Timings {
  double load_s = 0.0, inputs_s = 0.0, engine_s = 0.0, output_s = 0.0, total_s = 0.0;
  double outage_counterfactual_s = 0.0;  //!< the same run without outages (what outages cost); 0 without outages
};

//! What an optimizing strategy planned, for plan-versus-realized outputs.
struct PlanOutput {
  dispatch::PlanStats stats;
  std::vector<double> soc_mwh;  //!< planned stored energy at step end (may be empty)
  //! Forecasts the plan of each step was made with (may be empty): PV, load, price.
  std::vector<double> forecast_pv_mw, forecast_load_mw, forecast_price_yuan_per_mwh;
};

//! The time series as CSV text; with `pv`, sun angles and per-plant PV columns too; with
//! `plan`, the planned SOC (`plan_soc_mwh`; the plan's power is `setpoint_mw`).
std::string TimeseriesCsv(const engine::RunResult& r, const PvDetail* pv = nullptr, const PlanOutput* plan = nullptr);
//! The same text handed to `emit` in pieces of about 1 MB, in order.
void TimeseriesCsvTo(const engine::RunResult& r, const PvDetail* pv, const PlanOutput* plan,
                     const std::function<void(std::string_view)>& emit);

//! The summary as JSON.
nlohmann::json SummaryJson(const Scenario& sc, const engine::RunResult& r, const engine::Kpis& k, const Timings& t,
                           const PlanOutput* plan = nullptr);

//! The annual table: one row per calendar year (local time) of the run.
std::string AnnualCsv(const engine::Kpis& k);

//! Writes timeseries.csv (if enabled), summary.json and annual.csv into `dir`, atomically.
void WriteOutputs(const std::string& dir, const Scenario& sc, const engine::RunResult& r, const engine::Kpis& k,
                  Timings* t, const PvDetail* pv = nullptr, const PlanOutput* plan = nullptr);

}  // namespace essim::io
