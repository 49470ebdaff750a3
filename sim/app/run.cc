#include "sim/app/run.h"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sim/core/stopwatch.h"
#include "sim/dispatch/optimal.h"
#include "sim/dispatch/rules.h"

namespace essim::app {

void KeepFreedMemory() {
  mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
  // Grow the heap once by 192 MB (address space only: nothing is touched) and advise
  // transparent huge pages over it, then free it into the heap. The arrays of a year-long
  // solve then fault in 2 MB at a time: 28,000 page faults → ~500, and a fresh process's
  // optimal year solve 580-680 → 410-500 ms on the benchmark VM.
  const std::size_t bytes = std::size_t{192} << 20, huge = std::size_t{2} << 20;
  if (void* block = std::malloc(bytes)) {
    const auto start = reinterpret_cast<std::uintptr_t>(block);
    const std::uintptr_t begin = (start + huge - 1) & ~(huge - 1);
    const std::uintptr_t end = (start + bytes) & ~(huge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice only
    std::free(block);
  }
}

std::unique_ptr<dispatch::Strategy> MakeStrategy(const io::Scenario& sc, int solver_threads) {
  if (sc.dispatch.strategy == "optimal") {
    opt::Options options;
    options.threads = std::max(1, solver_threads);
    return std::make_unique<dispatch::OptimalStrategy>(sc.model.station, sc.model.grid, sc.optimal, options);
  }
  if (sc.dispatch.strategy == "rolling_horizon") {
    return std::make_unique<dispatch::RollingHorizonStrategy>(sc.model.station, sc.model.grid, sc.rolling);
  }
  return dispatch::MakeRuleStrategy(sc.dispatch);
}

RunOutcome RunScenario(const std::string& path, const io::LoadOptions& options, const engine::Progress& progress,
                       int solver_threads) {
  const auto t0 = std::chrono::steady_clock::now();
  io::Scenario sc = io::LoadScenario(path, options);
  const double load_s = SecondsSince(t0);
  const auto t1 = std::chrono::steady_clock::now();
  io::PvDetail detail;
  const engine::Inputs inputs = io::BuildInputs(sc, sc.pv_detail ? &detail : nullptr);
  const double inputs_s = SecondsSince(t1);
  spdlog::info("loaded {}: {} steps, {} phases, strategy {}", path, sc.axis.count, sc.model.station.phases.size(),
               sc.dispatch.strategy);
  RunOutcome o = RunWithInputs(sc, inputs, progress, solver_threads);
  o.pv_detail = std::move(detail);
  o.timings.load_s = load_s;
  o.timings.inputs_s = inputs_s;
  o.timings.total_s = SecondsSince(t0);
  return o;
}

RunOutcome RunWithInputs(const io::Scenario& sc, const engine::Inputs& inputs, const engine::Progress& progress,
                         int solver_threads) {
  const auto t0 = std::chrono::steady_clock::now();
  RunOutcome o;
  o.scenario = sc;
  auto strategy = MakeStrategy(o.scenario, solver_threads);
  o.result = engine::Run(o.scenario.model, inputs, *strategy, progress);
  // Windows whose terminal SOC target was out of reach and was relaxed (see PlanStats).
  auto warn_relaxed = [](std::string_view name, const dispatch::PlanStats& st) {
    if (st.relaxed_terminals > 0) {
      spdlog::warn("{}: {} of {} windows could not reach the terminal SOC target; each ended at least where idling "
                   "would leave it", name, st.relaxed_terminals, st.windows);
    }
  };
  if (const auto* rh = dynamic_cast<const dispatch::RollingHorizonStrategy*>(strategy.get())) {
    o.plan = io::PlanOutput{rh->stats(), {}, rh->used_pv_forecast_mw(), rh->used_load_forecast_mw(), rh->used_price_forecast()};
    warn_relaxed("rolling_horizon", rh->stats());
    if (rh->stats().fallbacks > 0) {
      spdlog::warn("rolling_horizon: {} of {} replans not solved; idle until the next", rh->stats().fallbacks, rh->stats().windows);
    }
  }
  if (const auto* opt = dynamic_cast<const dispatch::OptimalStrategy*>(strategy.get())) {
    o.plan = io::PlanOutput{opt->stats(), opt->plan_soc_mwh(), {}, {}, {}};
    warn_relaxed("optimal", opt->stats());
    if (opt->stats().fallbacks > 0) {
      spdlog::warn("optimal: {} of {} windows not solved ({}); those windows idle", opt->stats().fallbacks,
                   opt->stats().windows, opt->stats().status);
    }
    spdlog::info("optimal: {} in {} iterations, {:.3f} s ({} path)", opt->stats().status, opt->stats().iterations,
                 opt->stats().solve_seconds, opt->stats().linear_solver);
  }
  o.timings.engine_s = o.result.engine_seconds;
  o.kpis = engine::ComputeKpis(o.result, o.scenario.model);
  if (o.scenario.model.station.HasOutages()) {
    // What outages cost: the same strategy on the same inputs without them.
    io::Scenario whole = o.scenario;
    whole.model.station.forced_outages = {};
    for (auto& p : whole.model.station.phases) p.outages.clear();
    const auto t_cf = std::chrono::steady_clock::now();
    const RunOutcome cf = RunWithInputs(whole, inputs, {}, solver_threads);
    o.timings.outage_counterfactual_s = SecondsSince(t_cf);
    o.kpis.outage_lost_discharge_mwh = cf.kpis.discharged_mwh - o.kpis.discharged_mwh;
    o.kpis.outage_lost_charge_mwh = cf.kpis.charged_mwh - o.kpis.charged_mwh;
    o.kpis.outage_lost_revenue_yuan = cf.kpis.net_revenue_yuan - o.kpis.net_revenue_yuan;
  }
  if (o.kpis.clipped_steps > 0) {
    spdlog::info("{} setpoints clipped by station or grid limits ({:.1f} MWh)", o.kpis.clipped_steps, o.kpis.clipped_mwh);
  }
  if (o.kpis.import_over_limit_steps > 0) {
    spdlog::warn("{} steps where the local load alone exceeded the import limit", o.kpis.import_over_limit_steps);
  }
  o.timings.total_s = SecondsSince(t0);
  return o;
}

namespace {

// The reference for a strategy: the perfect-foresight optimum constrained to end with at
// least the stored energy the strategy ended with (as a fraction of nameplate energy), so
// the strategy's own trajectory is feasible for it and regret ≥ 0 by optimality.
double ReferenceRevenue(const io::Scenario& sc, const engine::Inputs& inputs, const RunOutcome& o) {
  double nameplate = 0.0;
  for (const auto& p : sc.model.station.phases) nameplate += p.energy_mwh;
  io::Scenario ref = sc;
  ref.dispatch.strategy = "optimal";
  ref.optimal.terminal_soc = std::clamp(o.kpis.final_stored_mwh / nameplate, sc.model.station.soc_min, sc.model.station.soc_max);
  ref.optimal.terminal_value_yuan_per_mwh.reset();
  return RunWithInputs(ref, inputs).kpis.net_revenue_yuan;
}


}  // namespace

std::vector<CompareRow> CompareStrategies(const std::string& path, const io::LoadOptions& options,
                                          std::vector<std::string> names, int jobs) {
  const io::Scenario base = io::LoadScenario(path, options);
  const engine::Inputs inputs = io::BuildInputs(base);  // computed once, shared read-only
  if (names.empty()) names = base.compare_strategies;
  if (names.empty()) throw std::invalid_argument("no strategies (give --strategies a,b,c or compare.strategies in the scenario)");
  if (std::find(names.begin(), names.end(), "optimal") == names.end()) names.push_back("optimal");  // the reference
  std::vector<CompareRow> rows;
  for (const auto& name : names) {
    CompareRow row;
    row.name = name;
    row.sets = options.sets;
    const auto v = std::find_if(base.compare_variants.begin(), base.compare_variants.end(),
                                [&](const io::CompareVariant& x) { return x.name == name; });
    if (v != base.compare_variants.end()) {
      row.sets.insert(row.sets.end(), v->sets.begin(), v->sets.end());
    } else {
      const auto& rules = dispatch::RuleStrategyNames();
      if (std::find(rules.begin(), rules.end(), name) == rules.end() && name != "optimal" && name != "rolling_horizon") {
        throw std::invalid_argument(fmt::format("unknown strategy or variant \"{}\"", name));
      }
      row.sets.push_back("dispatch.strategy=" + name);
    }
    rows.push_back(std::move(row));
  }
  // Validate every variant before running any (a bad one is a usage error, nothing written).
  std::vector<io::Scenario> scenarios;
  for (const auto& row : rows) {
    io::LoadOptions o = options;
    o.sets = row.sets;
    o.strategy.reset();
    scenarios.push_back(io::LoadScenario(path, o));
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&]() {
    for (std::size_t i = next++; i < rows.size(); i = next++) {
      const auto s0 = std::chrono::steady_clock::now();
      try {
        rows[i].outcome = RunWithInputs(scenarios[i], inputs);
        rows[i].wall_s = SecondsSince(s0);
        rows[i].reference_yuan = rows[i].name == "optimal" ? rows[i].outcome.kpis.net_revenue_yuan
                                                           : ReferenceRevenue(scenarios[i], inputs, rows[i].outcome);
        continue;
      } catch (const std::exception& e) {
        rows[i].error = e.what();
      }
      rows[i].wall_s = SecondsSince(s0);
    }
  };
  const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(rows.size())));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return rows;
}

}  // namespace essim::app
