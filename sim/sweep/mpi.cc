// Sweeps across MPI ranks (built with -DESSIM_WITH_MPI=ON): rank 0 deals out case indices
// on request and writes every result to the database; the other ranks run cases. Every
// rank expands the same sweep file itself, so only indices and results travel.
#include "sim/core/stopwatch.h"
#include "sim/sweep/runner.h"

#include <stdexcept>

#ifdef ESSIM_WITH_MPI
#include <mpi.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#endif

namespace essim::sweep {

#ifndef ESSIM_WITH_MPI

bool MpiAvailable() { return false; }

SweepReport RunSweepMpi(const SweepSpec&, const SweepOptions&, int*) {
  throw std::logic_error("this essim was built without MPI (configure with -DESSIM_WITH_MPI=ON)");
}

#else

namespace {

constexpr int kTagResult = 1;  // worker → rank 0: a result (or an empty "ready")
constexpr int kTagTask = 2;    // rank 0 → worker: a case index, or -1 to stop

std::string Encode(const CaseResult& r) {
  return nlohmann::json{{"index", r.index}, {"status", r.status}, {"error", r.error}, {"wall_s", r.wall_s}, {"summary", r.summary}}.dump();
}

CaseResult Decode(const std::string& text) {
  const auto j = nlohmann::json::parse(text);
  CaseResult r;
  r.index = j.at("index").get<std::int64_t>();
  r.status = j.at("status").get<std::string>();
  r.error = j.at("error").get<std::string>();
  r.wall_s = j.at("wall_s").get<double>();
  r.summary = j.at("summary");
  return r;
}

void Worker(const SweepSpec& spec, const SweepOptions& options) {
  std::string payload;  // empty: ready for the first task
  std::string cached_key;
  std::shared_ptr<const engine::Inputs> cached;
  std::string cached_error;
  const std::string out_dir = OutputDir(spec, options);
  for (;;) {
    MPI_Send(payload.data(), static_cast<int>(payload.size()), MPI_CHAR, 0, kTagResult, MPI_COMM_WORLD);
    std::int64_t index = -1;
    MPI_Recv(&index, 1, MPI_INT64_T, 0, kTagTask, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (index < 0) return;
    const Case& c = spec.cases[static_cast<std::size_t>(index)];
    // Cases arrive in index order, so neighbours mostly share inputs: keep the last set.
    if (spec.inputs_keys[c.index] != cached_key || (!cached && cached_error.empty())) {
      cached_key = spec.inputs_keys[c.index];
      cached.reset();
      cached_error.clear();
      try {
        cached = std::make_shared<const engine::Inputs>(io::BuildInputs(spec.scenarios[c.index]));
      } catch (const std::exception& e) {
        cached_error = e.what();
      }
    }
    payload = Encode(RunCase(spec, c, cached.get(), cached_error, out_dir));
  }
}

}  // namespace

bool MpiAvailable() { return true; }

SweepReport RunSweepMpi(const SweepSpec& spec, const SweepOptions& options, int* rank_out) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) MPI_Init(nullptr, nullptr);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  *rank_out = rank;
  SweepReport report;
  if (size == 1) {
    report = RunSweep(spec, options);
    MPI_Finalize();
    return report;
  }
  if (rank != 0) {
    Worker(spec, options);
    MPI_Finalize();
    return report;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::string failure;  // once set, no more work is handed out; every rank still stops cleanly
  std::unique_ptr<SweepStore> store;
  std::vector<std::int64_t> todo;
  report.cases = static_cast<std::int64_t>(spec.cases.size());
  report.database = DatabasePath(spec, options);
  try {
    if (options.overwrite) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(report.database + suffix);
    }
    store = std::make_unique<SweepStore>(report.database, spec, options.resume,
                                         options.shard ? fmt::format("{}/{}", options.shard->first, options.shard->second) : "");
    const auto recorded = store->RecordedIds();
    for (const auto& c : spec.cases) {
      if (options.shard && !InShard(c, *options.shard)) continue;
      ++report.selected;
      if (recorded.count(c.id)) {
        ++report.skipped;
      } else {
        todo.push_back(c.index);
      }
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  SweepProgress progress;
  progress.todo = static_cast<std::int64_t>(todo.size());
  std::size_t next = 0;
  int active = size - 1;
  while (active > 0) {
    MPI_Status st;
    MPI_Probe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &st);
    int count = 0;
    MPI_Get_count(&st, MPI_CHAR, &count);
    std::string payload(static_cast<std::size_t>(count), '\0');
    MPI_Recv(payload.data(), count, MPI_CHAR, st.MPI_SOURCE, kTagResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (!payload.empty() && failure.empty()) {
      const CaseResult r = Decode(payload);
      try {
        store->Insert(spec.cases[static_cast<std::size_t>(r.index)], r);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      if (r.status != "ok") {
        ++progress.failed;
        spdlog::warn("case {} ({}) failed: {}", r.index, spec.cases[static_cast<std::size_t>(r.index)].id, r.error);
      }
      ++progress.done;
      progress.elapsed_s = SecondsSince(t0);
      if (options.progress) options.progress(progress);
    }
    std::int64_t task = -1;
    if (failure.empty() && next < todo.size()) task = todo[next++];
    if (task < 0) --active;
    MPI_Send(&task, 1, MPI_INT64_T, st.MPI_SOURCE, kTagTask, MPI_COMM_WORLD);
  }
  report.ran = progress.done;
  report.failed = progress.failed;
  if (failure.empty() && !options.shard) {
    try {
      report.csv = (std::filesystem::path(OutputDir(spec, options)) / "results.csv").string();
      store->ExportCsv(report.csv);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  report.wall_s = SecondsSince(t0);
  MPI_Finalize();
  if (!failure.empty()) throw std::runtime_error(failure);
  return report;
}

#endif

}  // namespace essim::sweep
