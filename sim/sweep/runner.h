// Running a sweep: the cases of a shard that the database does not hold yet, on a pool
// of threads (or MPI ranks), with inputs shared between cases that have equal ones, every
// finished case committed to SQLite as it completes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/engine.h"
#include "sim/sweep/spec.h"
#include "sim/sweep/store.h"

namespace essim::sweep {

//! Where a sweep stands, for progress lines.
struct SweepProgress {
  std::int64_t todo = 0;     //!< cases this run has to do
  std::int64_t done = 0;     //!< finished by this run (ok or failed)
  std::int64_t failed = 0;
  double elapsed_s = 0.0;
};

struct SweepOptions {
  int jobs = 1;                               //!< worker threads
  std::optional<std::pair<int, int>> shard;   //!< (I, N): only cases with index % N == I
  bool resume = false;                        //!< run only the cases the database lacks
  bool overwrite = false;                     //!< delete an existing database first
  std::string out_dir;                        //!< overrides the sweep file's `output`
  std::function<void(const SweepProgress&)> progress;  //!< after every finished case
};

//! What a sweep run did.
struct SweepReport {
  std::int64_t cases = 0;     //!< in the whole sweep
  std::int64_t selected = 0;  //!< in this shard
  std::int64_t skipped = 0;   //!< already in the database (resume)
  std::int64_t ran = 0;
  std::int64_t failed = 0;
  std::int64_t inputs_built = 0;  //!< distinct input sets computed
  double wall_s = 0.0;
  std::string database, csv;  //!< csv empty for a shard
};

//! The output folder and database of a run (`shards/shard-I-of-N.sqlite` for a shard).
std::string OutputDir(const SweepSpec& spec, const SweepOptions& options);
std::string DatabasePath(const SweepSpec& spec, const SweepOptions& options);

//! Runs one case on given inputs; never throws (a failure is recorded in the result).
CaseResult RunCase(const SweepSpec& spec, const Case& c, const engine::Inputs* inputs, const std::string& inputs_error,
                   const std::string& out_dir);

//! Runs the sweep on threads; throws std::runtime_error when the database cannot be used.
SweepReport RunSweep(const SweepSpec& spec, const SweepOptions& options);

//! Whether this build can distribute a sweep over MPI ranks.
bool MpiAvailable();

//! Runs the sweep across MPI ranks (call between MPI_Init and MPI_Finalize, from every
//! rank): rank 0 hands out cases and writes the database; the others run cases. With one
//! rank it runs on threads. Throws std::logic_error when built without MPI.
SweepReport RunSweepMpi(const SweepSpec& spec, const SweepOptions& options, int* rank);

//! Joins shard databases into the sweep's database and results.csv. `paths` empty: every
//! `shards/*.sqlite` in the output folder.
SweepReport MergeShards(const SweepSpec& spec, const SweepOptions& options, std::vector<std::string> paths);

}  // namespace essim::sweep
