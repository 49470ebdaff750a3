// The `essim` command line: run, validate, reference.
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

//! Exit codes: success, a failure while running, a usage or scenario error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

//! Everything a run produced.
struct RunOutcome {
  io::Scenario scenario;
  engine::RunResult result;
  engine::Kpis kpis;
  io::Timings timings;
  io::PvDetail pv_detail;  //!< filled when the scenario asks for PV detail
  std::optional<io::PlanOutput> plan;  //!< filled by optimizing strategies
};

//! The strategy a scenario names (rule-based or optimal).
std::unique_ptr<dispatch::Strategy> MakeStrategy(const io::Scenario& sc);

//! Runs a loaded scenario's strategy on given inputs and computes KPIs (no files).
RunOutcome RunWithInputs(const io::Scenario& sc, const engine::Inputs& inputs, const engine::Progress& progress = {});

//! Loads, builds inputs, runs the scenario's strategy and computes KPIs (no files).
RunOutcome RunScenario(const std::string& path, const io::LoadOptions& options,
                       const engine::Progress& progress = {});

//! The command line; returns the process exit code.
int Main(int argc, char** argv);

}  // namespace essim::app
