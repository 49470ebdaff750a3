#include "sim/sweep/runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sim/app/run.h"
#include "sim/core/stopwatch.h"
#include "sim/io/output.h"

namespace essim::sweep {
namespace fs = std::filesystem;
namespace {


// Inputs shared by cases with the same inputs key: built once by the first case that needs
// them, dropped when the last case that needs them has started. The PV series, the costly
// part (with the weather's temperature), is shared one level further: by every input set
// with the same time, site, weather and PV (e.g. cases that differ only in the export limit).
class InputsCache {
 public:
  InputsCache(const SweepSpec& spec, const std::vector<const Case*>& todo) : spec_(spec) {
    for (const Case* c : todo) {
      Entry& e = entries_[spec.inputs_keys[c->index]];
      if (e.remaining++ == 0) ++pv_[spec.pv_keys[c->index]].remaining;
    }
  }
  struct Lease {
    std::shared_ptr<const engine::Inputs> inputs;
    std::string error;
  };
  Lease Get(const Case& c) {
    const std::string& key = spec_.inputs_keys[c.index];
    std::shared_future<std::shared_ptr<const engine::Inputs>> f;
    std::promise<std::shared_ptr<const engine::Inputs>> mine;
    bool build = false;
    {
      std::lock_guard lock(mu_);
      Entry& e = entries_[key];
      if (!e.future.valid() && !e.started) {
        e.future = mine.get_future().share();
        e.started = true;
        build = true;
        ++built_;
      }
      f = e.future;
      if (--e.remaining == 0) e.future = {};  // the last user: nobody else will ask
    }
    if (build) {
      try {
        mine.set_value(Build(c));
      } catch (...) {
        mine.set_exception(std::current_exception());
      }
    }
    try {
      return {f.get(), {}};
    } catch (const std::exception& ex) {
      return {nullptr, ex.what()};
    }
  }
  std::int64_t built() const { return built_; }

 private:
  using PvFuture = std::shared_future<std::shared_ptr<const engine::Inputs>>;
  struct Entry {
    std::shared_future<std::shared_ptr<const engine::Inputs>> future;
    std::int64_t remaining = 0;
    bool started = false;
  };
  struct PvEntry {
    PvFuture future;
    std::int64_t remaining = 0;  // input sets still to be built on this PV
    bool started = false;
  };

  std::shared_ptr<const engine::Inputs> Build(const Case& c) {
    const std::string& key = spec_.pv_keys[c.index];
    PvFuture f;
    std::promise<std::shared_ptr<const engine::Inputs>> mine;
    bool build = false;
    {
      std::lock_guard lock(mu_);
      PvEntry& e = pv_[key];
      if (!e.started) {
        e.future = mine.get_future().share();
        e.started = true;
        build = true;
      }
      f = e.future;
      if (--e.remaining == 0) e.future = {};
    }
    const io::Scenario& sc = spec_.scenarios[c.index];
    if (build) {
      try {
        auto inputs = std::make_shared<const engine::Inputs>(io::BuildInputs(sc));
        mine.set_value(inputs);
        return inputs;
      } catch (...) {
        mine.set_exception(std::current_exception());
        throw;
      }
    }
    const std::shared_ptr<const engine::Inputs> pv = f.get();
    return std::make_shared<const engine::Inputs>(io::BuildInputs(sc, nullptr, pv.get()));
  }

  const SweepSpec& spec_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::map<std::string, PvEntry> pv_;
  std::int64_t built_ = 0;
};

// The cases of this run: in the shard and not yet recorded.
std::vector<const Case*> Todo(const SweepSpec& spec, const SweepOptions& options, const std::set<std::string>& recorded,
                              SweepReport* report) {
  std::vector<const Case*> todo;
  for (const auto& c : spec.cases) {
    if (options.shard && !InShard(c, *options.shard)) continue;
    ++report->selected;
    if (recorded.count(c.id)) {
      ++report->skipped;
      continue;
    }
    todo.push_back(&c);
  }
  return todo;
}

void PrepareDatabase(const std::string& db, const SweepOptions& options) {
  if (!options.overwrite) return;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
}

}  // namespace

std::string OutputDir(const SweepSpec& spec, const SweepOptions& options) {
  return options.out_dir.empty() ? spec.output_dir : options.out_dir;
}

std::string DatabasePath(const SweepSpec& spec, const SweepOptions& options) {
  const fs::path dir(OutputDir(spec, options));
  if (options.shard) {
    return (dir / "shards" / fmt::format("shard-{}-of-{}.sqlite", options.shard->first, options.shard->second)).string();
  }
  return (dir / "sweep.sqlite").string();
}

CaseResult RunCase(const SweepSpec& spec, const Case& c, const engine::Inputs* inputs, const std::string& inputs_error,
                   const std::string& out_dir) {
  const auto t0 = std::chrono::steady_clock::now();
  CaseResult r;
  r.index = c.index;
  try {
    if (!inputs) throw std::runtime_error(inputs_error);
    const io::Scenario& sc = spec.scenarios[c.index];
    app::RunOutcome o = app::RunWithInputs(sc, *inputs);
    const io::PlanOutput* plan = o.plan ? &*o.plan : nullptr;
    if (spec.keep_outputs) {
      io::WriteOutputs((fs::path(out_dir) / "cases" / c.id).string(), sc, o.result, o.kpis, &o.timings, nullptr, plan);
    }
    r.summary = io::SummaryJson(sc, o.result, o.kpis, o.timings, plan);
    r.status = "ok";
  } catch (const std::exception& e) {
    r.status = "failed";
    r.error = e.what();
    r.summary = nullptr;
  }
  r.wall_s = SecondsSince(t0);
  return r;
}

SweepReport RunSweep(const SweepSpec& spec, const SweepOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  SweepReport report;
  report.cases = static_cast<std::int64_t>(spec.cases.size());
  report.database = DatabasePath(spec, options);
  PrepareDatabase(report.database, options);
  SweepStore store(report.database, spec, options.resume, options.shard ? fmt::format("{}/{}", options.shard->first, options.shard->second) : "");
  const std::vector<const Case*> todo = Todo(spec, options, store.RecordedIds(), &report);
  const std::string out_dir = OutputDir(spec, options);

  InputsCache cache(spec, todo);
  std::mutex mu;  // the store and the counters
  SweepProgress progress;
  progress.todo = static_cast<std::int64_t>(todo.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr store_error;
  double insert_s = 0.0;
  auto worker = [&]() {
    for (std::size_t i = next++; i < todo.size(); i = next++) {
      const Case& c = *todo[i];
      const auto lease = cache.Get(c);
      const CaseResult r = RunCase(spec, c, lease.inputs.get(), lease.error, out_dir);
      std::lock_guard lock(mu);
      if (store_error) return;
      try {
        const auto ti = std::chrono::steady_clock::now();
        store.Insert(c, r);
        insert_s += SecondsSince(ti);
      } catch (...) {
        store_error = std::current_exception();
        next = todo.size();
        return;
      }
      if (r.status != "ok") {
        ++progress.failed;
        spdlog::warn("case {} ({}) failed: {}", c.index, c.id, r.error);
      }
      ++progress.done;
      progress.elapsed_s = SecondsSince(t0);
      if (options.progress) options.progress(progress);
    }
  };
  const int threads = std::max(1, std::min<int>(options.jobs, static_cast<int>(std::max<std::size_t>(1, todo.size()))));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (store_error) std::rethrow_exception(store_error);

  report.ran = progress.done;
  report.failed = progress.failed;
  report.inputs_built = cache.built();
  spdlog::debug("sweep: {:.3f} s writing the database (under the lock)", insert_s);
  if (!options.shard) {
    report.csv = (fs::path(out_dir) / "results.csv").string();
    store.ExportCsv(report.csv);
  }
  report.wall_s = SecondsSince(t0);
  return report;
}

SweepReport MergeShards(const SweepSpec& spec, const SweepOptions& options, std::vector<std::string> paths) {
  const auto t0 = std::chrono::steady_clock::now();
  SweepOptions whole = options;
  whole.shard.reset();
  const std::string out_dir = OutputDir(spec, whole);
  if (paths.empty()) {
    const fs::path shards = fs::path(out_dir) / "shards";
    if (fs::is_directory(shards)) {
      for (const auto& e : fs::directory_iterator(shards)) {
        if (e.path().extension() == ".sqlite") paths.push_back(e.path().string());
      }
    }
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) throw std::runtime_error(fmt::format("{}: no shard databases (*.sqlite) to merge", shards.string()));
  }
  SweepReport report;
  report.cases = static_cast<std::int64_t>(spec.cases.size());
  report.database = DatabasePath(spec, whole);
  PrepareDatabase(report.database, whole);
  SweepStore store(report.database, spec, /*resume=*/true);
  for (const auto& p : paths) report.ran += store.MergeFrom(p);
  report.selected = store.Count();
  report.failed = store.Count("failed");
  report.csv = (fs::path(out_dir) / "results.csv").string();
  store.ExportCsv(report.csv);
  report.wall_s = SecondsSince(t0);
  return report;
}

}  // namespace essim::sweep
