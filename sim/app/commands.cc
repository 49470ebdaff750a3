#include "sim/app/commands.h"

#include <unistd.h>

#include <chrono>
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
  RunOutcome o;
  o.scenario = io::LoadScenario(path, options);
  o.timings.load_s = Since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  const engine::Inputs inputs = io::BuildInputs(o.scenario, o.scenario.pv_detail ? &o.pv_detail : nullptr);
  o.timings.inputs_s = Since(t1);
  spdlog::info("loaded {}: {} steps, {} phases, strategy {}", path, o.scenario.axis.count,
               o.scenario.model.station.phases.size(), o.scenario.dispatch.strategy);
  auto strategy = MakeStrategy(o.scenario);
  o.result = engine::Run(o.scenario.model, inputs, *strategy, progress);
  if (const auto* rh = dynamic_cast<const dispatch::RollingHorizonStrategy*>(strategy.get())) {
    o.plan = io::PlanOutput{rh->stats(), {}};
    if (rh->stats().fallbacks > 0) {
      spdlog::warn("rolling_horizon: {} of {} replans not solved; idle until the next", rh->stats().fallbacks, rh->stats().windows);
    }
  }
  if (const auto* opt = dynamic_cast<const dispatch::OptimalStrategy*>(strategy.get())) {
    o.plan = io::PlanOutput{opt->stats(), opt->plan_soc_mwh()};
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
