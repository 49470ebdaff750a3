#include "sim/app/commands.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "sim/core/stopwatch.h"
#include "sim/dispatch/optimal.h"
#include "sim/dispatch/rules.h"
#include "sim/io/atomic_file.h"
#include "sim/opt/mps.h"
#include "sim/io/reader.h"
#include "sim/io/schema.h"
#include "sim/sweep/runner.h"

namespace essim::app {
namespace {


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
  const auto& st = sc.model.station;
  if (st.ageing.enabled || st.HasOutages()) {
    double cap = 0.0, original = 0.0;
    for (std::size_t i = 0; i < k.phases.size(); ++i) {
      cap += k.phases[i].capacity_mwh;
      original += st.phases[i].energy_mwh;
    }
    fmt::print("  state of health {:.1f} % at the end, availability {:.2f} %, lost to outages {:.4g} yuan\n",
               original > 0 ? 100.0 * cap / original : 100.0, 100.0 * k.availability, k.outage_lost_revenue_yuan);
  }
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
             "outputs in {} ({:.2f} s)\n", dir, SecondsSince(t0));
  return kExitOk;
}

}  // namespace

namespace {

// A progress line on the terminal (rewritten in place), or a line every 10 s otherwise.
std::function<void(const sweep::SweepProgress&)> SweepProgressPrinter(std::int64_t already) {
  const bool tty = ::isatty(STDERR_FILENO);
  return [tty, already, last = -1e9](const sweep::SweepProgress& p) mutable {
    const bool end = p.done == p.todo;
    if (!tty && !end && p.elapsed_s - last < 10.0) return;
    last = p.elapsed_s;
    const double rate = p.elapsed_s > 0 ? p.done / p.elapsed_s : 0.0;
    const double left = rate > 0 ? (p.todo - p.done) / rate : 0.0;
    std::fprintf(stderr, "%scases %lld/%lld done%s, %lld failed, %.2f cases/s, %.0f s left   %s", tty ? "\r" : "",
                 static_cast<long long>(p.done), static_cast<long long>(p.todo),
                 already > 0 ? fmt::format(" (+{} before)", already).c_str() : "", static_cast<long long>(p.failed), rate, left,
                 tty && !end ? "" : "\n");
  };
}

int RunSweepCommand(const std::string& file, sweep::SweepOptions options, const std::string& shard, bool mpi, bool quiet,
                    bool merge, const std::vector<std::string>& shard_paths) {
  try {
    if (!shard.empty()) options.shard = sweep::ParseShard(shard);
  } catch (const std::invalid_argument& e) {
    std::cerr << "essim sweep: " << e.what() << "\n";
    return kExitUsage;
  }
  if (mpi && !sweep::MpiAvailable()) {
    std::cerr << "essim sweep: --mpi: this essim was built without MPI (configure with -DESSIM_WITH_MPI=ON)\n";
    return kExitUsage;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const sweep::SweepSpec spec = sweep::LoadSweep(file);  // ScenarioError: located, exit 2
  spdlog::info("{}: {} cases, validated in {:.2f} s", file, spec.cases.size(), SecondsSince(t0));
  if (merge) {
    const sweep::SweepReport r = sweep::MergeShards(spec, options, shard_paths);
    const std::int64_t missing = r.cases - r.selected;
    fmt::print("essim sweep-merge: {} rows read; {} of {} cases in {} ({} failed){}\n  results: {}\n", r.ran, r.selected, r.cases,
               r.database, r.failed, missing > 0 ? fmt::format(", {} missing", missing) : "", r.csv);
    return kExitOk;
  }
  if (!quiet) options.progress = SweepProgressPrinter(0);
  int rank = 0;
  const sweep::SweepReport r = mpi ? sweep::RunSweepMpi(spec, options, &rank) : sweep::RunSweep(spec, options);
  if (rank != 0) return kExitOk;
  if (!quiet) {
    fmt::print("essim sweep: {} — {} cases{}; ran {}, failed {}, already done {}; {} input sets built; {:.2f} s ({:.2f} cases/s)\n",
               spec.name, r.cases,
               options.shard ? fmt::format(", shard {}/{} has {}", options.shard->first, options.shard->second, r.selected) : "",
               r.ran, r.failed, r.skipped, r.inputs_built, r.wall_s, r.wall_s > 0 ? r.ran / r.wall_s : 0.0);
    fmt::print("  database: {}{}\n", r.database, r.csv.empty() ? "" : "\n  results: " + r.csv);
  }
  return r.failed > 0 ? kExitFailure : kExitOk;
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
  int solver_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  run->add_option("--threads", solver_threads,
                  "threads of an optimizer solve: a year-long problem runs on two (default: all cores; results do not depend on it)")
      ->check(CLI::PositiveNumber);

  auto* validate = cli.add_subcommand("validate", "load and check a scenario and its input files; exit 0 or 2");
  validate->add_option("scenario", scenario, "scenario YAML file")->required();
  validate->add_option("--set", sets, "override a key, repeatable: KEY=VALUE")->allow_extra_args(false);
  validate->add_option("--strategy", strategy, "dispatch strategy");

  bool sweep_reference = false;
  auto* reference = cli.add_subcommand("reference", "print the scenario key reference (Markdown)");
  reference->add_flag("--sweep", sweep_reference, "the sweep-file reference instead");

  std::string strategies_list;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto* compare = cli.add_subcommand("compare", "run several strategies on the same inputs, with regret against the optimum");
  compare->add_option("scenario", scenario, "scenario YAML file")->required();
  compare->add_option("--strategies", strategies_list, "comma-separated strategy or variant names (default: compare.strategies)");
  compare->add_option("--set", sets, "override a key, repeatable: KEY=VALUE")->allow_extra_args(false);
  compare->add_option("--out", out_dir, "output folder (default: output.dir + \"-compare\")");
  compare->add_option("--jobs", jobs, "parallel runs (default: all cores)")->check(CLI::PositiveNumber);

  sweep::SweepOptions sweep_options;
  sweep_options.jobs = jobs;
  std::string shard;
  bool mpi = false;
  auto* sweep_cmd = cli.add_subcommand("sweep", "run every case of a sweep file into a SQLite database and results.csv");
  sweep_cmd->add_option("sweep", scenario, "sweep YAML file")->required();
  sweep_cmd->add_option("--jobs", sweep_options.jobs, "parallel cases (default: all cores)")->check(CLI::PositiveNumber);
  sweep_cmd->add_option("--shard", shard, "run only slice I of N (0 <= I < N): cases with index % N == I, into shards/");
  sweep_cmd->add_flag("--resume", sweep_options.resume, "run only the cases the database does not hold yet");
  sweep_cmd->add_flag("--overwrite", sweep_options.overwrite, "delete an existing database of this sweep and start again");
  sweep_cmd->add_option("--out", sweep_options.out_dir, "output folder (overrides the sweep file's `output`)");
  sweep_cmd->add_flag("--mpi", mpi, "distribute cases across MPI ranks (run under mpirun; needs -DESSIM_WITH_MPI=ON)");
  sweep_cmd->add_flag("--quiet", quiet, "no progress or summary lines");
  std::vector<std::string> shard_paths;
  auto* merge_cmd = cli.add_subcommand("sweep-merge", "join shard databases into the sweep's database and results.csv");
  merge_cmd->add_option("sweep", scenario, "sweep YAML file")->required();
  merge_cmd->add_option("shards", shard_paths, "shard databases (default: every shards/*.sqlite in the output folder)");
  merge_cmd->add_option("--out", sweep_options.out_dir, "output folder (overrides the sweep file's `output`)");

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
    fmt::print("{}", io::SectionsMarkdown(sweep_reference ? sweep::SweepSections() : io::ScenarioSections()));
    return kExitOk;
  }

  io::LoadOptions options;
  options.sets = sets;
  if (!strategy.empty()) options.strategy = strategy;

  try {
    if (compare->parsed()) return RunCompare(scenario, options, strategies_list, out_dir, jobs);
    if (sweep_cmd->parsed()) return RunSweepCommand(scenario, sweep_options, shard, mpi, quiet, false, {});
    if (merge_cmd->parsed()) return RunSweepCommand(scenario, sweep_options, "", false, quiet, true, shard_paths);
    if (export_lp->parsed()) {
      const io::Scenario sc = io::LoadScenario(scenario, options);
      const engine::Inputs in = io::BuildInputs(sc);
      const dispatch::InputView view = engine::ViewOf(in);
      const std::int64_t window = sc.optimal.window_s > 0 ? std::max<std::int64_t>(1, sc.optimal.window_s / sc.axis.step_s)
                                                         : sc.axis.count;
      const std::vector<double> initial(sc.model.station.phases.size(), std::nan(""));
      const dispatch::DispatchProblem dp = dispatch::BuildDispatchProblem(
          sc.model.station, sc.model.grid, view, sc.optimal, 0, std::min(window, sc.axis.count), initial, true);
      const std::filesystem::path target(mps_out);
      io::AtomicFileSet files(target.parent_path().empty() ? "." : target.parent_path().string());
      files.WriteWith(target.filename().string(), [&](const std::function<void(std::string_view)>& append) {
        opt::WriteFreeMps(dp.problem, sc.name, append);
      });
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
        if (!shown && SecondsSince(t0) < 0.5) return;
        shown = true;
        std::fprintf(stderr, "\rsimulating %3d %%", static_cast<int>(100 * done / total));
        if (done == total) std::fprintf(stderr, "\n");
      };
    }
    RunOutcome o = RunScenario(scenario, options, progress, solver_threads);
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
