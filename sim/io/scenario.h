// The typed scenario: everything a run needs, loaded and validated from YAML before
// any simulation work, and the inputs (series) built from it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.h"
#include "sim/core/time.h"
#include "sim/io/tree.h"
#include "sim/dispatch/optimal.h"
#include "sim/dispatch/rules.h"
#include "sim/engine/engine.h"
#include "sim/market/price.h"
#include "sim/pv/plant.h"
#include "sim/pv/profile.h"
#include "sim/pv/weather.h"

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
  bool repeat_yearly = false;  //!< CSV covering the first year, repeated by local date
};

//! Energy price: constant, CSV, or time of use; then floor and cap.
struct PriceSpec {
  SeriesSpec series;                   //!< constant or CSV
  bool tou = false;
  market::TouConfig tou_config;
  std::optional<double> floor_yuan_per_mwh;
  std::optional<double> cap_yuan_per_mwh;
  double escalation_per_year = 0.0;    //!< yearly growth, compounded each year from the start
};

//! Weather for weather-driven PV.
struct WeatherSpec {
  bool csv = false;                     //!< false: synthetic
  std::string path;                     //!< CSV, resolved
  SourceMark mark;
  std::string key_path;
  pv::SunAt sun_at = pv::SunAt::kMidpoint;
  bool repeat_yearly = false;           //!< CSV covering the first year, repeated by local date
  pv::SyntheticWeatherConfig synthetic;
};

//! Weather-driven PV detail for outputs (sun angles, per-plant series).
struct PvDetail {
  pv::SunTerms sun;
  std::vector<std::string> plant_names;
  std::vector<pv::PlantOutput> plants;
};

//! A named variant for `essim compare`: dispatch overrides.
struct CompareVariant {
  std::string name;
  std::vector<std::string> sets;  //!< "dispatch.KEY=VALUE"
};

//! A loaded, validated scenario.
struct Scenario {
  std::string file;          //!< the scenario file as given
  std::string name;
  std::string description;
  TimeAxis axis;
  double latitude_deg = 0.0, longitude_deg = 0.0, altitude_m = 0.0;
  bool has_site = false;
  SeriesSpec pv;             //!< kAbsent = no PV (or plants below)
  pv::ProfileConfig pv_profile;
  bool pv_plants = false;    //!< weather-driven plants instead of a profile
  std::vector<pv::PlantConfig> plants;
  WeatherSpec weather;
  SeriesSpec load, export_limit, import_limit;
  PriceSpec price;
  engine::ModelConfig model;
  double ambient_c = 20.0;   //!< ambient temperature without weather, °C
  dispatch::RuleConfig dispatch;         //!< strategy name and rule parameters
  dispatch::OptimalConfig optimal;       //!< parameters of strategy `optimal`
  dispatch::RollingHorizonConfig rolling;  //!< parameters of strategy `rolling_horizon`
  std::string output_dir;
  bool write_timeseries = true;
  bool pv_detail = false;
  std::vector<std::string> compare_strategies;  //!< default list for `essim compare`
  std::vector<CompareVariant> compare_variants;
};

//! An override located in a file of its own (a sweep file): key and value keep their marks.
struct MarkedSet {
  std::string key;   //!< dotted path, as for --set
  SourceMark key_mark;
  Node value;
};

//! Options applied on top of the file.
struct LoadOptions {
  std::vector<std::string> sets;       //!< "KEY=VALUE" overrides, in order
  std::optional<std::string> strategy; //!< --strategy NAME (same as --set dispatch.strategy=NAME)
  std::vector<MarkedSet> marked_sets;  //!< applied before `sets`
};

//! A scenario file loaded and merged with what it extends, not yet validated: load it once
//! and read many variants of it (sweeps).
struct ScenarioDocument {
  std::string path;
  Node root;
  SourceSet sources;  //!< texts for located messages (add others, e.g. a sweep file)
};

//! Loads a scenario file and what it extends; throws ScenarioError for YAML problems.
ScenarioDocument LoadScenarioDocument(const std::string& path);

//! Applies the options' overrides to a copy of the document, validates it and reads the
//! scenario; throws ScenarioError listing every problem. With `merged`, the tree after the
//! overrides is kept there.
Scenario ReadScenario(const ScenarioDocument& doc, const LoadOptions& options = {}, Node* merged = nullptr);

//! Loads and validates a scenario; throws ScenarioError listing every problem.
Scenario LoadScenario(const std::string& path, const LoadOptions& options = {});

//! Builds the run's input series (reads CSVs, runs the PV fleet on its weather); throws
//! ScenarioError for bad files. With `detail`, weather-driven PV detail is kept there.
//! `known`: inputs already built for a scenario with the same time, site, weather and pv
//! sections (sweeps share them): its PV and temperature series are used instead of
//! computing them again.
engine::Inputs BuildInputs(const Scenario& scenario, PvDetail* detail = nullptr, const engine::Inputs* known = nullptr);

}  // namespace essim::io
