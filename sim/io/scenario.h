// The typed scenario: everything a run needs, loaded and validated from YAML before
// any simulation work, and the inputs (series) built from it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.h"
#include "sim/core/time.h"
#include "sim/dispatch/rules.h"
#include "sim/engine/engine.h"
#include "sim/market/price.h"
#include "sim/pv/profile.h"

namespace essim::io {

//! A series given as a constant, a CSV file, or nothing (a default applies).
struct SeriesSpec {
  enum class Kind { kAbsent, kConstant, kCsv };
  Kind kind = Kind::kAbsent;
  double value = 0.0;     //!< constant, canonical unit
  std::string path;       //!< CSV, resolved
  std::string column;
  SourceMark mark;        //!< where it was named
  std::string key_path;
};

//! Energy price: constant, CSV, or time of use; then floor and cap.
struct PriceSpec {
  SeriesSpec series;                   //!< constant or CSV
  bool tou = false;
  market::TouConfig tou_config;
  std::optional<double> floor_yuan_per_mwh;
  std::optional<double> cap_yuan_per_mwh;
};

//! A loaded, validated scenario.
struct Scenario {
  std::string file;          //!< the scenario file as given
  std::string name;
  std::string description;
  TimeAxis axis;
  double latitude_deg = 0.0, longitude_deg = 0.0, altitude_m = 0.0;
  bool has_site = false;
  SeriesSpec pv;             //!< kAbsent = no PV
  pv::ProfileConfig pv_profile;
  SeriesSpec load, export_limit, import_limit;
  PriceSpec price;
  engine::ModelConfig model;
  dispatch::RuleConfig dispatch;
  std::string output_dir;
  bool write_timeseries = true;
};

//! Options applied on top of the file.
struct LoadOptions {
  std::vector<std::string> sets;       //!< "KEY=VALUE" overrides, in order
  std::optional<std::string> strategy; //!< --strategy NAME (same as --set dispatch.strategy=NAME)
};

//! Loads and validates a scenario; throws ScenarioError listing every problem.
Scenario LoadScenario(const std::string& path, const LoadOptions& options = {});

//! Builds the run's input series (reads CSVs); throws ScenarioError for bad files.
engine::Inputs BuildInputs(const Scenario& scenario);

}  // namespace essim::io
