// Sweep files: one base scenario and parameters over its dotted keys (the paths of
// `--set`), expanded into cases. Every case is validated as a scenario before any runs,
// and gets a stable id from its parameter values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/io/reader.h"
#include "sim/io/scenario.h"
#include "sim/io/tree.h"

namespace essim::sweep {

//! One swept key's value in a case.
struct Param {
  std::string key;    //!< dotted scenario path, e.g. "storage.phases[0].energy"
  SourceMark key_mark;
  io::Node value;     //!< as written (or generated, for random parameters)
  std::string text;   //!< the value as one line of YAML, e.g. "1000 MWh"
};

//! One expanded case.
struct Case {
  std::int64_t index = 0;   //!< position in the expansion (0-based)
  std::string id;           //!< stable: a hash of the sorted key=value pairs
  std::vector<Param> params;
};

//! How a swept parameter's values are stored in the results table.
struct ParamColumn {
  std::string key;
  bool numeric = false;  //!< every value is a number or a quantity of one dimension
  Dim dim = Dim::kNumber;
  std::string unit;      //!< canonical unit of the stored numbers ("" for plain numbers and text)
};

//! A loaded, expanded and validated sweep.
struct SweepSpec {
  std::string file;
  std::string name;
  std::string description;
  std::string base_path;        //!< resolved against the sweep file
  std::vector<io::MarkedSet> fixed;  //!< `set:` overrides applied to every case
  std::string output_dir;
  bool keep_outputs = false;
  std::vector<ParamColumn> columns;  //!< swept keys in order of first appearance
  std::vector<Case> cases;
  std::string fingerprint;      //!< hash of the base, fixed overrides and every case
  io::ScenarioDocument base;    //!< the base scenario, with the sweep file's text added
  std::vector<io::Scenario> scenarios;  //!< one per case, validated
  //! Per case: the canonical text of the sections that determine its input series (time,
  //! site, weather, pv, load, grid, market). Cases with equal keys share one set of inputs.
  std::vector<std::string> inputs_keys;
  //! Per case: the same for the PV series alone (time, site, weather, pv).
  std::vector<std::string> pv_keys;
};

//! Loads a sweep file, expands it and validates every case against the base scenario;
//! throws ScenarioError listing every problem (file, line, column, key, expected, found).
SweepSpec LoadSweep(const std::string& path);

//! The overrides a case applies (fixed ones first, then its parameters).
io::LoadOptions CaseOptions(const SweepSpec& spec, const Case& c);

//! Stable case id of parameter (key, value text) pairs: 16 hex digits of FNV-1a 64 over
//! the pairs sorted by key, so order in the file does not matter.
std::string CaseId(std::vector<std::pair<std::string, std::string>> pairs);

//! Parses a `--shard I/N` text (0 <= I < N); throws std::invalid_argument.
std::pair<int, int> ParseShard(const std::string& text);

//! Whether a case belongs to shard I of N (cases dealt round-robin by index).
inline bool InShard(const Case& c, std::pair<int, int> shard) { return c.index % shard.second == shard.first; }

//! The sweep file's documented keys (README reference).
const std::vector<io::Section>& SweepSections();

}  // namespace essim::sweep
