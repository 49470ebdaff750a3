// The results of a sweep in SQLite: one row per case (id, index, every swept parameter,
// status, error, wall time, every KPI of summary.json, the summary itself). Each case is
// its own transaction in WAL mode, so a run killed at any moment leaves a consistent
// database holding exactly the cases that finished.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sweep/spec.h"

struct sqlite3;

namespace essim::sweep {

//! What running one case produced.
struct CaseResult {
  std::int64_t index = 0;
  std::string status;    //!< "ok" or "failed"
  std::string error;     //!< why it failed
  double wall_s = 0.0;
  nlohmann::json summary;  //!< summary.json of the run (null when failed)
};

//! KPI columns of a summary: numeric, boolean and text leaves by dotted path (phases by
//! name), without wall times, memory, scenario and period, which are not results.
std::vector<std::pair<std::string, nlohmann::json>> FlattenKpis(const nlohmann::json& summary);

class SweepStore {
 public:
  //! Opens (creating if needed) the database at `path` for `spec`. A database made by a
  //! different sweep (other base, overrides or cases) is refused; one that already holds
  //! rows is refused unless `resume`. Throws std::runtime_error with the reason.
  SweepStore(const std::string& path, const SweepSpec& spec, bool resume, const std::string& shard = "");
  ~SweepStore();
  SweepStore(const SweepStore&) = delete;
  SweepStore& operator=(const SweepStore&) = delete;

  //! Ids of the cases already recorded (done or failed).
  std::set<std::string> RecordedIds() const;
  //! Records one case in its own transaction. An existing row is kept, unless it failed
  //! and this one succeeded.
  void Insert(const Case& c, const CaseResult& r);
  //! Copies every row of another database of the same sweep (a shard) into this one;
  //! returns the number of rows read. Throws if it belongs to another sweep.
  std::int64_t MergeFrom(const std::string& other_path);
  //! Writes the table as CSV (one row per case, by index; the summary JSON left out),
  //! atomically.
  void ExportCsv(const std::string& path) const;
  std::int64_t Count(const std::string& status = "") const;

 private:
  void Exec(const std::string& sql) const;
  void EnsureColumn(const std::string& name, const char* type);
  std::string path_;
  const SweepSpec& spec_;
  sqlite3* db_ = nullptr;
  std::set<std::string> columns_;
};

}  // namespace essim::sweep
