// Running scenarios in process: one strategy on given inputs, a whole scenario, or several
// strategies side by side (no files written; the command line and sweeps build on these).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/engine.h"
#include "sim/engine/kpi.h"
#include "sim/io/output.h"
#include "sim/io/scenario.h"

namespace essim::app {

//! Everything a run produced.
struct RunOutcome {
  io::Scenario scenario;
  engine::RunResult result;
  engine::Kpis kpis;
  io::Timings timings;
  io::PvDetail pv_detail;  //!< filled when the scenario asks for PV detail
  std::optional<io::PlanOutput> plan;  //!< filled by optimizing strategies
};

//! Process-wide allocator setting for the command line and benchmarks: keep freed memory
//! in the heap, and back its first 192 MB with transparent huge pages where the kernel
//! allows it. Runs allocate and free many multi-megabyte arrays; returning them to the
//! kernel makes every reuse pay first-touch page faults again (measured on a virtual
//! machine: 10-15 % of a year-long optimal solve, 13 % of a rolling-horizon year), and
//! 4 KiB pages make the first touch itself slow (see docs/performance.md).
void KeepFreedMemory();

//! The strategy a scenario names (rule-based or optimal). `solver_threads`: threads of one
//! optimizer solve (opt::Options::threads; the results do not depend on it).
std::unique_ptr<dispatch::Strategy> MakeStrategy(const io::Scenario& sc, int solver_threads = 1);

//! Runs a loaded scenario's strategy on given inputs and computes KPIs (no files).
RunOutcome RunWithInputs(const io::Scenario& sc, const engine::Inputs& inputs, const engine::Progress& progress = {},
                         int solver_threads = 1);

//! Loads, builds inputs, runs the scenario's strategy and computes KPIs (no files).
RunOutcome RunScenario(const std::string& path, const io::LoadOptions& options,
                       const engine::Progress& progress = {}, int solver_threads = 1);

//! One strategy of a comparison: its run, the reference revenue (the optimum ending with at
//! least the same stored energy) and the wall time. `error` is set if the run failed.
struct CompareRow {
  std::string name;
  std::vector<std::string> sets;
  RunOutcome outcome;
  double wall_s = 0.0;
  double reference_yuan = 0.0;
  std::string error;
  double regret_yuan() const { return reference_yuan - outcome.kpis.net_revenue_yuan; }
};

//! Runs strategy or variant names (the optimum is added if absent) on the same inputs,
//! computed once, on `jobs` threads. Throws ScenarioError for a bad scenario or variant and
//! std::invalid_argument for an unknown name.
std::vector<CompareRow> CompareStrategies(const std::string& path, const io::LoadOptions& options,
                                          std::vector<std::string> names, int jobs);

}  // namespace essim::app
