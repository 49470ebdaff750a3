// Benchmark (not a test): the optimizer on a scenario's perfect-foresight problem, and a
// rolling-horizon year. Prints the first solve in the process (cold: fresh memory, as a
// single CLI run pays) and the best of the repetitions (warm), with iterations and status.
//   essim_bench_opt [SCENARIO] [REPS] [--set KEY=VALUE ...] [--rolling] [--threads N]
// (--threads: of the year problem's solve)
#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sim/app/run.h"
#include "sim/core/stopwatch.h"
#include "sim/dispatch/optimal.h"

int main(int argc, char** argv) {
  using namespace essim;
  std::string path = "scenarios/jiayuguan-2025.yaml";
  int reps = 5;
  int threads = 1;
  bool rolling = false;
  std::int64_t window = 0;
  io::LoadOptions options;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--set" && i + 1 < argc) options.sets.push_back(argv[++i]);
    else if (a == "--rolling") rolling = true;
    else if (a == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
    else if (a == "--window" && i + 1 < argc) window = std::stoll(argv[++i]);
    else if (positional++ == 0) path = a;
    else reps = std::stoi(a);
  }
  app::KeepFreedMemory();
  spdlog::set_level(spdlog::level::warn);
  io::Scenario sc;
  try {
    sc = io::LoadScenario(path, options);
  } catch (const std::exception& e) {  // (an invalid scenario or --set: the loader's message)
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  const engine::Inputs inputs = io::BuildInputs(sc);
  const dispatch::InputView view = engine::ViewOf(inputs);
  if (window > 0) {  // one rolling-horizon-sized problem solved many times: per-iteration cost
    const std::vector<double> initial(sc.model.station.phases.size(), std::nan(""));
    double best = 1e9;
    for (int r = 0; r < reps; ++r) {
      const std::int64_t first = (r * 97) % (sc.axis.count - window);
      const dispatch::DispatchProblem dp =
          dispatch::BuildDispatchProblem(sc.model.station, sc.model.grid, view, sc.optimal, first, window, initial);
      int iterations = 0;
      auto t0 = std::chrono::steady_clock::now();
      for (int k = 0; k < 200; ++k) iterations += opt::Solve(dp.problem).info.iterations;
      const double t = SecondsSince(t0) / 200;
      best = std::min(best, t * 1e6 / (iterations / 200.0));
      if (r == 0) fmt::print("window of {} steps: {} variables, {} rows\n", window, dp.problem.num_vars(), dp.problem.num_rows());
    }
    fmt::print("best {:.2f} us per iteration (setup included)\n", best);
    return 0;
  }
  if (!rolling) {
    const std::vector<double> initial(sc.model.station.phases.size(), std::nan(""));
    auto t0 = std::chrono::steady_clock::now();
    const dispatch::DispatchProblem dp =
        dispatch::BuildDispatchProblem(sc.model.station, sc.model.grid, view, sc.optimal, 0, sc.axis.count, initial);
    const double build = SecondsSince(t0);
    fmt::print("{}: {} variables, {} rows, {} nonzeros; build {:.1f} ms\n", path, dp.problem.num_vars(),
               dp.problem.num_rows(), dp.problem.A.nonZeros(), build * 1e3);
    double best = 1e9;
    for (int r = 0; r < reps; ++r) {
      t0 = std::chrono::steady_clock::now();
      opt::Options o;
      o.threads = threads;
      const opt::Result res = opt::Solve(dp.problem, o);
      const double t = SecondsSince(t0);
      best = std::min(best, t);
      fmt::print("solve {}: {:.1f} ms, {} iterations, {}, objective {:.6f}, setup {:.1f} ms\n", r, t * 1e3,
                 res.info.iterations, opt::StatusName(res.status), res.info.objective, res.info.setup_seconds * 1e3);
    }
    fmt::print("best {:.1f} ms\n", best * 1e3);
    return 0;
  }
  io::Scenario rs = sc;
  rs.dispatch.strategy = "rolling_horizon";
  double best = 1e9;
  for (int r = 0; r < reps; ++r) {
    auto strategy = app::MakeStrategy(rs);
    const auto t0 = std::chrono::steady_clock::now();
    const engine::RunResult result = engine::Run(rs.model, inputs, *strategy);
    const double t = SecondsSince(t0);
    best = std::min(best, t);
    const auto& st = static_cast<const dispatch::RollingHorizonStrategy&>(*strategy).stats();
    fmt::print("rolling {}: {:.3f} s, {} windows, {} iterations, {} fallbacks, {} cold restarts, solver {:.3f} s, objective {:.1f}\n", r,
               t, st.windows, st.iterations, st.fallbacks, st.cold_restarts, st.solve_seconds, st.objective_yuan);
  }
  fmt::print("best {:.3f} s\n", best);
  return 0;
}
