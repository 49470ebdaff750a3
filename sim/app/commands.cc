#include "sim/app/commands.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "sim/dispatch/optimal.h"
#include "sim/dispatch/rules.h"
#include "sim/io/atomic_file.h"
#include "sim/opt/mps.h"
#include "sim/io/reader.h"
#include "sim/io/schema.h"

namespace essim::app {
namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void PrintSummary(const RunOutcome& o, const std::string& out_dir) {
  const auto& k = o.kpis;
  const auto& sc = o.scenario;
  fmt::print("essim: {} — {} steps of {} min, strategy {}\n", sc.name, sc.axis.count, sc.axis.step_s / 60, o.result.strategy);
  fmt::print("  PV {:>12.1f} MWh   curtailed {:>10.1f} MWh   absorbed {:>10.1f} MWh\n", k.pv_mwh, k.curtailed_mwh,
             k.curtailment_absorbed_mwh);
  fmt::print("  charged {:>9.1f} MWh   discharged {:>9.1f} MWh   losses {:>8.1f} MWh   aux {:>8.1f} MWh\n", k.charged_mwh,
             k.discharged_mwh, k.loss_total_mwh, k.aux_mwh);
  fmt::print("  cycles {:>8.1f} EFC   round trip {:>6.2f} % (with aux {:.2f} %)\n", k.equivalent_full_cycles,
             k.round_trip_efficiency * 100, k.round_trip_efficiency_with_aux * 100);
  fmt::print("  revenue: energy {:.4g} + capacity {:.4g} − charging {:.4g} − aux {:.4g} = net {:.4g} yuan\n",
             k.energy_revenue_yuan, k.capacity_revenue_yuan, k.charging_cost_yuan, k.aux_cost_yuan, k.net_revenue_yuan);
  fmt::print("  ledger max imbalance {:.2g} MW, clipped setpoints {}, wall {:.3f} s\n",
             std::max(k.max_node_imbalance_mw, k.max_station_imbalance_mw), k.clipped_steps, o.timings.total_s);
  if (!out_dir.empty()) fmt::print("  outputs in {}\n", out_dir);
}

void SetupLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("essim");
  logger->set_pattern("%^[%l]%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace

std::unique_ptr<dispatch::Strategy> MakeStrategy(const io::Scenario& sc) {
  if (sc.dispatch.strategy == "optimal") {
    return std::make_unique<dispatch::OptimalStrategy>(sc.model.station, sc.model.grid, sc.optimal);
  }
  if (sc.dispatch.strategy == "rolling_horizon") {
    return std::make_unique<dispatch::RollingHorizonStrategy>(sc.model.station, sc.model.grid, sc.rolling);
  }
  return dispatch::MakeRuleStrategy(sc.dispatch);
}

RunOutcome RunScenario(const std::string& path, const io::LoadOptions& options, const engine::Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  io::Scenario sc = io::LoadScenario(path, options);
  const double load_s = Since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  io::PvDetail detail;
  const engine::Inputs inputs = io::BuildInputs(sc, sc.pv_detail ? &detail : nullptr);
  const double inputs_s = Since(t1);
  spdlog::info("loaded {}: {} steps, {} phases, strategy {}", path, sc.axis.count, sc.model.station.phases.size(),
               sc.dispatch.strategy);
  RunOutcome o = RunWithInputs(sc, inputs, progress);
  o.pv_detail = std::move(detail);
  o.timings.load_s = load_s;
  o.timings.inputs_s = inputs_s;
  o.timings.total_s = Since(t0);
  return o;
}

RunOutcome RunWithInputs(const io::Scenario& sc, const engine::Inputs& inputs, const engine::Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  RunOutcome o;
  o.scenario = sc;
  auto strategy = MakeStrategy(o.scenario);
  o.result = engine::Run(o.scenario.model, inputs, *strategy, progress);
  if (const auto* rh = dynamic_cast<const dispatch::RollingHorizonStrategy*>(strategy.get())) {
    o.plan = io::PlanOutput{rh->stats(), {}, rh->used_pv_forecast_mw(), rh->used_load_forecast_mw(), rh->used_price_forecast()};
    if (rh->stats().fallbacks > 0) {
      spdlog::warn("rolling_horizon: {} of {} replans not solved; idle until the next", rh->stats().fallbacks, rh->stats().windows);
    }
  }
  if (const auto* opt = dynamic_cast<const dispatch::OptimalStrategy*>(strategy.get())) {
    o.plan = io::PlanOutput{opt->stats(), opt->plan_soc_mwh(), {}, {}, {}};
    if (opt->stats().fallbacks > 0) {
      spdlog::warn("optimal: {} of {} windows not solved ({}); those windows idle", opt->stats().fallbacks,
                   opt->stats().windows, opt->stats().status);
    }
    spdlog::info("optimal: {} in {} iterations, {:.3f} s ({} path)", opt->stats().status, opt->stats().iterations,
                 opt->stats().solve_seconds, opt->stats().linear_solver);
  }
  o.timings.engine_s = o.result.engine_seconds;
  o.kpis = engine::ComputeKpis(o.result, o.scenario.model);
  if (o.kpis.clipped_steps > 0) {
    spdlog::info("{} setpoints clipped by station or grid limits ({:.1f} MWh)", o.kpis.clipped_steps, o.kpis.clipped_mwh);
  }
  if (o.kpis.import_over_limit_steps > 0) {
    spdlog::warn("{} steps where the local load alone exceeded the import limit", o.kpis.import_over_limit_steps);
  }
  o.timings.total_s = Since(t0);
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
        rows[i].wall_s = Since(s0);
        rows[i].reference_yuan = rows[i].name == "optimal" ? rows[i].outcome.kpis.net_revenue_yuan
                                                           : ReferenceRevenue(scenarios[i], inputs, rows[i].outcome);
        continue;
      } catch (const std::exception& e) {
        rows[i].error = e.what();
      }
      rows[i].wall_s = Since(s0);
    }
  };
  const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(rows.size())));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return rows;
}

namespace {

int RunCompare(const std::string& path, const io::LoadOptions& options, const std::string& list, const std::string& out_dir,
               int jobs) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size() && !list.empty()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) names.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  std::vector<CompareRow> rows;
  try {
    rows = CompareStrategies(path, options, names, jobs);
  } catch (const std::invalid_argument& e) {
    std::cerr << "essim compare: " << e.what() << "\n";
    return kExitUsage;
  }
  const io::Scenario base = io::LoadScenario(path, options);  // for the output folder
  const auto ref = std::find_if(rows.begin(), rows.end(), [](const CompareRow& r) { return r.name == "optimal"; });
  if (!ref->error.empty()) {
    spdlog::error("compare: the optimal reference failed: {}", ref->error);
    return kExitFailure;
  }
  const std::string dir = out_dir.empty() ? base.output_dir + "-compare" : out_dir;
  nlohmann::json json = nlohmann::json::array();
  std::string csv =
      "strategy,net_revenue_yuan,reference_revenue_yuan,regret_yuan,regret_pct,energy_revenue_yuan,capacity_revenue_yuan,"
      "charging_cost_yuan,aux_cost_yuan,charged_mwh,discharged_mwh,curtailment_absorbed_mwh,equivalent_full_cycles,"
      "round_trip_efficiency,clipped_setpoints,plan_gap_mwh,wall_time_s\n";
  fmt::print("{:<28} {:>14} {:>14} {:>8} {:>11} {:>11} {:>7} {:>8} {:>8}\n", "strategy", "net yuan", "regret yuan",
             "regret %", "charged MWh", "dischg MWh", "EFC", "clipped", "wall s");
  for (auto& row : rows) {
    if (!row.error.empty()) {
      fmt::print("{:<28} failed: {}\n", row.name, row.error);
      json.push_back({{"strategy", row.name}, {"error", row.error}});
      continue;
    }
    const auto& k = row.outcome.kpis;
    const double adj = row.reference_yuan;
    const double regret = adj - k.net_revenue_yuan, pct = adj != 0.0 ? 100.0 * regret / std::abs(adj) : 0.0;
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", row.name, k.net_revenue_yuan, adj, regret, pct,
                       k.energy_revenue_yuan, k.capacity_revenue_yuan, k.charging_cost_yuan, k.aux_cost_yuan, k.charged_mwh,
                       k.discharged_mwh, k.curtailment_absorbed_mwh, k.equivalent_full_cycles, k.round_trip_efficiency,
                       k.clipped_steps, k.clipped_mwh, row.wall_s);
    json.push_back({{"strategy", row.name},
                    {"net_revenue_yuan", k.net_revenue_yuan},
                    {"reference_revenue_yuan", adj},
                    {"regret_yuan", regret},
                    {"regret_pct", pct},
                    {"energy_revenue_yuan", k.energy_revenue_yuan},
                    {"capacity_revenue_yuan", k.capacity_revenue_yuan},
                    {"charging_cost_yuan", k.charging_cost_yuan},
                    {"aux_cost_yuan", k.aux_cost_yuan},
                    {"charged_mwh", k.charged_mwh},
                    {"discharged_mwh", k.discharged_mwh},
                    {"curtailment_absorbed_mwh", k.curtailment_absorbed_mwh},
                    {"equivalent_full_cycles", k.equivalent_full_cycles},
                    {"round_trip_efficiency", k.round_trip_efficiency},
                    {"clipped_setpoints", k.clipped_steps},
                    {"plan_gap_mwh", k.clipped_mwh},
                    {"wall_time_s", row.wall_s}});
    fmt::print("{:<28} {:>14.4g} {:>14.4g} {:>8.2f} {:>11.1f} {:>11.1f} {:>7.1f} {:>8} {:>8.2f}\n", row.name, k.net_revenue_yuan,
               regret, pct, k.charged_mwh, k.discharged_mwh, k.equivalent_full_cycles, k.clipped_steps, row.wall_s);
    const io::PlanOutput* plan = row.outcome.plan ? &*row.outcome.plan : nullptr;
    io::WriteOutputs((std::filesystem::path(dir) / row.name).string(), row.outcome.scenario, row.outcome.result, row.outcome.kpis,
                     &row.outcome.timings, nullptr, plan);
  }
  io::AtomicFileSet files(dir);
  files.Write("comparison.csv", csv);
  files.Write("comparison.json", json.dump(2) + "\n");
  files.Commit();
  fmt::print("regret: the perfect-foresight optimum ending with the same stored energy, minus the strategy; "
             "outputs in {} ({:.2f} s)\n", dir, Since(t0));
  return kExitOk;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App cli{"essim: grid-side battery storage beside PV, simulated from a scenario file"};
  cli.require_subcommand(1);
  std::string log_level = "warn";
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));

  std::string scenario;
  std::vector<std::string> sets;
  std::string strategy, out_dir;
  bool json_out = false, quiet = false;

  auto* run = cli.add_subcommand("run", "simulate a scenario and write timeseries.csv and summary.json");
  run->add_option("scenario", scenario, "scenario YAML file")->required();
  run->add_option("--set", sets, "override a key, repeatable: KEY=VALUE (e.g. \"storage.phases[1].energy=1500 MWh\")")->allow_extra_args(false);
  run->add_option("--strategy", strategy, "dispatch strategy (overrides dispatch.strategy)");
  run->add_option("--out", out_dir, "output folder (overrides output.dir)");
  run->add_flag("--json", json_out, "print summary.json on stdout instead of the human summary");
  run->add_flag("--quiet", quiet, "no human summary");

  auto* validate = cli.add_subcommand("validate", "load and check a scenario and its input files; exit 0 or 2");
  validate->add_option("scenario", scenario, "scenario YAML file")->required();
  validate->add_option("--set", sets, "override a key, repeatable: KEY=VALUE")->allow_extra_args(false);
  validate->add_option("--strategy", strategy, "dispatch strategy");

  auto* reference = cli.add_subcommand("reference", "print the scenario key reference (Markdown)");

  std::string strategies_list;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto* compare = cli.add_subcommand("compare", "run several strategies on the same inputs, with regret against the optimum");
  compare->add_option("scenario", scenario, "scenario YAML file")->required();
  compare->add_option("--strategies", strategies_list, "comma-separated strategy or variant names (default: compare.strategies)");
  compare->add_option("--set", sets, "override a key, repeatable: KEY=VALUE")->allow_extra_args(false);
  compare->add_option("--out", out_dir, "output folder (default: output.dir + \"-compare\")");
  compare->add_option("--jobs", jobs, "parallel runs (default: all cores)")->check(CLI::PositiveNumber);

  std::string mps_out;
  auto* export_lp = cli.add_subcommand("export-lp", "write the LP/QP that strategy `optimal` solves as free MPS");
  export_lp->add_option("scenario", scenario, "scenario YAML file")->required();
  export_lp->add_option("-o,--output", mps_out, "MPS file to write")->required();
  export_lp->add_option("--set", sets, "override a key, repeatable: KEY=VALUE")->allow_extra_args(false);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  SetupLogging(log_level);

  if (reference->parsed()) {
    fmt::print("{}", io::SectionsMarkdown(io::ScenarioSections()));
    return kExitOk;
  }

  io::LoadOptions options;
  options.sets = sets;
  if (!strategy.empty()) options.strategy = strategy;

  try {
    if (compare->parsed()) return RunCompare(scenario, options, strategies_list, out_dir, jobs);
    if (export_lp->parsed()) {
      const io::Scenario sc = io::LoadScenario(scenario, options);
      const engine::Inputs in = io::BuildInputs(sc);
      const dispatch::InputView view{&in.axis, &in.pv_mw, &in.load_mw, &in.price_yuan_per_mwh, &in.export_limit_mw,
                                     &in.import_limit_mw};
      const std::int64_t window = sc.optimal.window_s > 0 ? std::max<std::int64_t>(1, sc.optimal.window_s / sc.axis.step_s)
                                                         : sc.axis.count;
      const std::vector<double> initial(sc.model.station.phases.size(), std::nan(""));
      const dispatch::DispatchProblem dp = dispatch::BuildDispatchProblem(
          sc.model.station, sc.model.grid, view, sc.optimal, 0, std::min(window, sc.axis.count), initial, true);
      const std::filesystem::path target(mps_out);
      io::AtomicFileSet files(target.parent_path().empty() ? "." : target.parent_path().string());
      files.Write(target.filename().string(), opt::ToFreeMps(dp.problem, sc.name));
      files.Commit();
      fmt::print("{}: {} variables, {} rows, {} nonzeros{}\n", mps_out, dp.problem.num_vars(), dp.problem.num_rows(),
                 dp.problem.A.nonZeros(), window < sc.axis.count ? " (first window)" : "");
      return kExitOk;
    }
    if (validate->parsed()) {
      const io::Scenario sc = io::LoadScenario(scenario, options);
      io::BuildInputs(sc);
      fmt::print("{}: valid ({} steps, {} phases, strategy {})\n", scenario, sc.axis.count, sc.model.station.phases.size(),
                 sc.dispatch.strategy);
      return kExitOk;
    }
    const bool show_progress = !json_out && !quiet && ::isatty(STDERR_FILENO);
    engine::Progress progress;
    if (show_progress) {
      // Only runs that have already taken a while get a progress line.
      progress = [t0 = std::chrono::steady_clock::now(), shown = false](std::int64_t done, std::int64_t total) mutable {
        if (!shown && Since(t0) < 0.5) return;
        shown = true;
        std::fprintf(stderr, "\rsimulating %3d %%", static_cast<int>(100 * done / total));
        if (done == total) std::fprintf(stderr, "\n");
      };
    }
    RunOutcome o = RunScenario(scenario, options, progress);
    const std::string dir = out_dir.empty() ? o.scenario.output_dir : out_dir;
    const io::PlanOutput* plan = o.plan ? &*o.plan : nullptr;
    io::WriteOutputs(dir, o.scenario, o.result, o.kpis, &o.timings, &o.pv_detail, plan);
    if (json_out) {
      std::cout << io::SummaryJson(o.scenario, o.result, o.kpis, o.timings, plan).dump() << "\n";
    } else if (!quiet) {
      PrintSummary(o, dir);
    }
    return kExitOk;
  } catch (const ScenarioError& e) {
    std::cerr << e.what();
    return kExitUsage;
  } catch (const std::exception& e) {
    spdlog::error("run aborted: {}", e.what());
    return kExitFailure;
  }
}

}  // namespace essim::app
