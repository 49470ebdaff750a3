#include "sim/sweep/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/io/atomic_file.h"

namespace essim::sweep {
namespace fs = std::filesystem;
namespace {

std::string Quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(fmt::format("sqlite: {} in: {}", sqlite3_errmsg(db), sql));
    }
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() { return s_; }
  void Bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
  void Bind(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void BindNull(int i) { sqlite3_bind_null(s_, i); }
  //! Steps once; true while a row is available.
  bool Step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
  }
  std::string Text(int col) {
    const auto* t = sqlite3_column_text(s_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

void FlattenInto(const std::string& prefix, const nlohmann::json& j, std::vector<std::pair<std::string, nlohmann::json>>* out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) FlattenInto(prefix.empty() ? k : prefix + "." + k, v, out);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      const auto& item = j[i];
      const std::string tag = item.is_object() && item.contains("name") && item["name"].is_string()
                                  ? item["name"].get<std::string>()
                                  : std::to_string(i);
      if (item.is_object()) {
        for (const auto& [k, v] : item.items()) {
          if (k != "name") FlattenInto(prefix + "." + tag + "." + k, v, out);
        }
      } else {
        FlattenInto(prefix + "." + tag, item, out);
      }
    }
  } else if (!j.is_null()) {
    out->emplace_back(prefix, j);
  }
}

// Numeric value of a parameter in its column's canonical unit.
std::optional<double> NumericValue(const ParamColumn& col, const std::string& text) {
  std::string err;
  if (col.dim == Dim::kNumber) return ParseNumber(text, &err);
  return ParseQuantity(text, col.dim, &err);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<std::pair<std::string, nlohmann::json>> FlattenKpis(const nlohmann::json& summary) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  if (!summary.is_object()) return out;
  for (const auto& [k, v] : summary.items()) {
    if (k == "wall_time_s" || k == "peak_memory_mb" || k == "scenario" || k == "period") continue;
    FlattenInto(k, v, &out);
  }
  return out;
}

SweepStore::SweepStore(const std::string& path, const SweepSpec& spec, bool resume, const std::string& shard)
    : path_(path), spec_(spec) {
  const fs::path dir = fs::path(path).parent_path();
  if (!dir.empty()) fs::create_directories(dir);
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error(fmt::format("{}: cannot open the sweep database: {}", path, msg));
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=NORMAL");  // with WAL: a process crash never loses a committed case
    Exec("CREATE TABLE IF NOT EXISTS sweep (key TEXT PRIMARY KEY, value TEXT)");
    std::map<std::string, std::string> meta;
    {
      Stmt q(db_, "SELECT key, value FROM sweep");
      while (q.Step()) meta[q.Text(0)] = q.Text(1);
    }
    if (!meta.empty() && meta["fingerprint"] != spec.fingerprint) {
      throw std::runtime_error(fmt::format(
          "{}: holds the results of another sweep (\"{}\", {} cases, fingerprint {}; this one: \"{}\", {} cases, {}); "
          "choose another output folder, or remove it",
          path, meta["name"], meta["cases"], meta["fingerprint"], spec.name, spec.cases.size(), spec.fingerprint));
    }
    std::string cols = "case_id TEXT PRIMARY KEY, case_index INTEGER NOT NULL, status TEXT NOT NULL, error TEXT, wall_s REAL";
    for (const auto& c : spec.columns) cols += fmt::format(", {} {}", Quote(c.key), c.numeric ? "REAL" : "TEXT");
    cols += ", summary_json TEXT";
    Exec("BEGIN IMMEDIATE");
    Exec(fmt::format("CREATE TABLE IF NOT EXISTS cases ({})", cols));
    Exec("CREATE TABLE IF NOT EXISTS parameters (key TEXT PRIMARY KEY, position INTEGER, numeric INTEGER, unit TEXT)");
    for (std::size_t i = 0; i < spec.columns.size(); ++i) {
      Stmt p(db_, "INSERT OR IGNORE INTO parameters VALUES (?, ?, ?, ?)");
      p.Bind(1, spec.columns[i].key);
      p.Bind(2, static_cast<std::int64_t>(i));
      p.Bind(3, static_cast<std::int64_t>(spec.columns[i].numeric));
      p.Bind(4, spec.columns[i].unit);
      p.Step();
    }
    const std::vector<std::pair<std::string, std::string>> entries{{"fingerprint", spec.fingerprint},
                                                                   {"name", spec.name},
                                                                   {"file", spec.file},
                                                                   {"base", spec.base_path},
                                                                   {"cases", std::to_string(spec.cases.size())}};
    for (const auto& [k, v] : entries) {
      Stmt p(db_, "INSERT OR IGNORE INTO sweep VALUES (?, ?)");
      p.Bind(1, k);
      p.Bind(2, v);
      p.Step();
    }
    if (!shard.empty()) {
      Stmt p(db_, "INSERT OR REPLACE INTO sweep VALUES ('shard', ?)");
      p.Bind(1, shard);
      p.Step();
    }
    Exec("COMMIT");
    Stmt info(db_, "PRAGMA table_info(cases)");
    while (info.Step()) columns_.insert(info.Text(1));
    if (!resume && Count() > 0) {
      throw std::runtime_error(fmt::format("{}: already holds {} cases of this sweep; add --resume to run only the missing "
                                           "ones, or --overwrite to start again",
                                           path, Count()));
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SweepStore::~SweepStore() {
  if (db_) sqlite3_close(db_);
}

void SweepStore::Exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error(fmt::format("{}: sqlite: {} (in: {})", path_, msg, sql.substr(0, 200)));
  }
}

void SweepStore::EnsureColumn(const std::string& name, const char* type) {
  if (columns_.count(name)) return;
  Exec(fmt::format("ALTER TABLE cases ADD COLUMN {} {}", Quote(name), type));
  columns_.insert(name);
}

std::set<std::string> SweepStore::RecordedIds() const {
  std::set<std::string> ids;
  Stmt q(db_, "SELECT case_id FROM cases");
  while (q.Step()) ids.insert(q.Text(0));
  return ids;
}

std::int64_t SweepStore::Count(const std::string& status) const {
  Stmt q(db_, status.empty() ? "SELECT COUNT(*) FROM cases" : "SELECT COUNT(*) FROM cases WHERE status = ?");
  if (!status.empty()) q.Bind(1, status);
  q.Step();
  return sqlite3_column_int64(q.get(), 0);
}

void SweepStore::Insert(const Case& c, const CaseResult& r) {
  const auto kpis = FlattenKpis(r.summary);
  Exec("BEGIN IMMEDIATE");
  try {
    {
      Stmt q(db_, "SELECT status FROM cases WHERE case_id = ?");
      q.Bind(1, c.id);
      if (q.Step()) {
        if (q.Text(0) == "ok" || r.status != "ok") {
          Exec("COMMIT");
          return;
        }
        Stmt del(db_, "DELETE FROM cases WHERE case_id = ?");
        del.Bind(1, c.id);
        del.Step();
      }
    }
    for (const auto& [k, v] : kpis) EnsureColumn(k, v.is_string() ? "TEXT" : "REAL");
    std::string names = "case_id, case_index, status, error, wall_s, summary_json", marks = "?, ?, ?, ?, ?, ?";
    for (const auto& p : c.params) {
      names += fmt::format(", {}", Quote(p.key));
      marks += ", ?";
    }
    for (const auto& kv : kpis) {
      names += fmt::format(", {}", Quote(kv.first));
      marks += ", ?";
    }
    Stmt ins(db_, fmt::format("INSERT INTO cases ({}) VALUES ({})", names, marks));
    ins.Bind(1, c.id);
    ins.Bind(2, c.index);
    ins.Bind(3, r.status);
    if (r.error.empty()) ins.BindNull(4); else ins.Bind(4, r.error);
    ins.Bind(5, r.wall_s);
    if (r.summary.is_null()) ins.BindNull(6); else ins.Bind(6, r.summary.dump());
    int i = 7;
    for (const auto& p : c.params) {
      const auto col = std::find_if(spec_.columns.begin(), spec_.columns.end(), [&](const ParamColumn& x) { return x.key == p.key; });
      const auto num = col != spec_.columns.end() && col->numeric ? NumericValue(*col, p.text) : std::nullopt;
      if (num) ins.Bind(i++, *num); else ins.Bind(i++, p.text);
    }
    for (const auto& [k, v] : kpis) {
      if (v.is_string()) ins.Bind(i++, v.get<std::string>());
      else if (v.is_boolean()) ins.Bind(i++, static_cast<std::int64_t>(v.get<bool>()));
      else if (v.is_number_integer()) ins.Bind(i++, v.get<std::int64_t>());
      else ins.Bind(i++, v.get<double>());
    }
    ins.Step();
    Exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::int64_t SweepStore::MergeFrom(const std::string& other_path) {
  sqlite3* other = nullptr;
  if (sqlite3_open_v2(other_path.c_str(), &other, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string msg = other ? sqlite3_errmsg(other) : "out of memory";
    sqlite3_close(other);
    throw std::runtime_error(fmt::format("{}: cannot open: {}", other_path, msg));
  }
  std::int64_t rows = 0;
  try {
    {
      Stmt q(other, "SELECT value FROM sweep WHERE key = 'fingerprint'");
      const std::string fp = q.Step() ? q.Text(0) : "";
      if (fp != spec_.fingerprint) {
        throw std::runtime_error(fmt::format("{}: holds another sweep (fingerprint {}, expected {})", other_path, fp, spec_.fingerprint));
      }
    }
    Stmt q(other, "SELECT case_id, case_index, status, error, wall_s, summary_json FROM cases ORDER BY case_index");
    while (q.Step()) {
      const std::int64_t index = sqlite3_column_int64(q.get(), 1);
      if (index < 0 || index >= static_cast<std::int64_t>(spec_.cases.size()) || spec_.cases[index].id != q.Text(0)) {
        throw std::runtime_error(fmt::format("{}: case {} (id {}) is not a case of this sweep", other_path, index, q.Text(0)));
      }
      CaseResult r;
      r.index = index;
      r.status = q.Text(2);
      r.error = q.Text(3);
      r.wall_s = sqlite3_column_double(q.get(), 4);
      const std::string js = q.Text(5);
      if (!js.empty()) r.summary = nlohmann::json::parse(js);
      Insert(spec_.cases[index], r);
      ++rows;
    }
  } catch (...) {
    sqlite3_close(other);
    throw;
  }
  sqlite3_close(other);
  return rows;
}

void SweepStore::ExportCsv(const std::string& path) const {
  std::vector<std::string> cols;
  {
    Stmt info(db_, "PRAGMA table_info(cases)");
    while (info.Step()) {
      if (info.Text(1) != "summary_json") cols.push_back(info.Text(1));
    }
  }
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < cols.size(); ++i) sql += fmt::format("{}{}", i ? ", " : "", Quote(cols[i]));
  sql += " FROM cases ORDER BY case_index";
  Stmt q(db_, sql);
  std::string out;
  for (std::size_t i = 0; i < cols.size(); ++i) out += fmt::format("{}{}", i ? "," : "", CsvField(cols[i]));
  out += '\n';
  while (q.Step()) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (i) out += ',';
      const int col = static_cast<int>(i);
      switch (sqlite3_column_type(q.get(), col)) {
        case SQLITE_INTEGER: out += fmt::format("{}", sqlite3_column_int64(q.get(), col)); break;
        case SQLITE_FLOAT: out += fmt::format("{}", sqlite3_column_double(q.get(), col)); break;
        case SQLITE_NULL: break;
        default: out += CsvField(q.Text(col));
      }
    }
    out += '\n';
  }
  const fs::path target(path);
  io::AtomicFileSet files(target.parent_path().empty() ? "." : target.parent_path().string());
  files.Write(target.filename().string(), out);
  files.Commit();
}

}  // namespace essim::sweep
