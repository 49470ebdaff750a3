#include "sim/io/csv.h"

#include <charconv>
#include <cmath>
#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "sim/core/units.h"

namespace essim::io {
namespace {

constexpr int kMaxRowErrors = 10;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"')) s.remove_suffix(1);
  return s;
}

// Splits a line at commas, remembering each field's 1-based column.
void Split(std::string_view line, std::vector<std::string_view>* fields, std::vector<int>* cols) {
  fields->clear();
  cols->clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
    fields->push_back(Trim(line.substr(start, end - start)));
    cols->push_back(static_cast<int>(start) + 1);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

// Advances to the next non-blank, non-comment line: 1-based `row`, fields split at commas.
bool NextRecord(const std::string& text, std::size_t* pos, int* row, std::vector<std::string_view>* fields,
                std::vector<int>* cols) {
  while (*pos < text.size()) {
    std::size_t nl = text.find('\n', *pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + *pos, nl - *pos);
    *pos = nl + 1;
    ++*row;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line.front() == '#') continue;
    Split(line, fields, cols);
    return true;
  }
  return false;
}

// The whole file, or nullopt (with a located message at the key that names it).
std::optional<std::string> ReadFile(const std::string& path, const SourceMark& from, const std::string& key_path,
                                    Diagnostics* diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags->Add(from, key_path, fmt::format("cannot read CSV file \"{}\": no such file or not readable", path));
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::optional<CsvTable> ReadCsvTable(const std::string& path, const std::vector<std::string>& wanted,
                                     std::size_t required, double lo, const SourceMark& from,
                                     const std::string& key_path, const TimeAxis& axis, SourceSet* sources,
                                     Diagnostics* diags) {
  const std::optional<std::string> file_text = ReadFile(path, from, key_path, diags);
  if (!file_text) return std::nullopt;
  const std::string& text = *file_text;
  const std::string& file = path;
  const std::size_t diags_before = diags->size();
  struct AddSourceOnError {  // register the text only when a message will quote it
    SourceSet* sources;
    Diagnostics* diags;
    std::size_t before;
    const std::string& file;
    const std::string& text;
    ~AddSourceOnError() {
      if (diags->size() > before) sources->Add(file, text);
    }
  } add_source{sources, diags, diags_before, file, text};

  CsvTable table;
  table.columns.resize(wanted.size());
  table.present.assign(wanted.size(), false);
  std::vector<std::string_view> fields;
  std::vector<int> cols;
  int errors = 0;
  auto err = [&](int row, int col, std::string msg) {
    if (errors++ < kMaxRowErrors) diags->Add(SourceMark{file, row, col}, key_path, std::move(msg));
  };
  std::size_t pos = 0;
  int row = 0;
  int time_col = -1;
  std::vector<int> col_index(wanted.size(), -1);
  std::size_t header_fields = 0;
  while (NextRecord(text, &pos, &row, &fields, &cols)) {
    if (header_fields == 0) {
      header_fields = fields.size();
      std::string names;
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "time") time_col = static_cast<int>(i);
        for (std::size_t c = 0; c < wanted.size(); ++c) {
          if (fields[i] == wanted[c]) col_index[c] = static_cast<int>(i);
        }
        names += fmt::format("{}{}", i ? ", " : "", fields[i]);
      }
      bool ok = time_col >= 0;
      if (time_col < 0) err(row, 1, fmt::format("expected a header with a \"time\" column, found: {}", names));
      for (std::size_t c = 0; c < required; ++c) {
        if (col_index[c] < 0) {
          err(row, 1, fmt::format("expected a header with the column \"{}\", found: {}", wanted[c], names));
          ok = false;
        }
      }
      if (!ok) return std::nullopt;
      for (std::size_t c = 0; c < wanted.size(); ++c) table.present[c] = col_index[c] >= 0;
      continue;
    }
    if (fields.size() != header_fields) {
      err(row, 1, fmt::format("expected {} fields as in the header, found {}", header_fields, fields.size()));
      continue;
    }
    std::string msg;
    const auto tf = static_cast<std::size_t>(time_col);
    const auto tp = ParseIsoTime(fields[tf], &msg);
    if (!tp) {
      err(row, cols[tf], "time: " + msg);
      continue;
    }
    bool row_ok = true;
    std::vector<double> vals(wanted.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t c = 0; c < wanted.size() && row_ok; ++c) {
      if (col_index[c] < 0) continue;
      const auto ci = static_cast<std::size_t>(col_index[c]);
      const auto v = ParseNumber(fields[ci], &msg);
      if (!v) {
        err(row, cols[ci], fmt::format("{}: {}", wanted[c], msg));
        row_ok = false;
      } else if (*v < lo) {
        err(row, cols[ci], fmt::format("{}: expected a value >= {:g}, found {:g}", wanted[c], lo, *v));
        row_ok = false;
      } else {
        vals[c] = *v;
      }
    }
    if (!row_ok) continue;
    if (!table.times.empty() && tp->unix_s <= table.times.back()) {
      err(row, cols[tf], fmt::format("time: expected times strictly increasing, found {} {} the previous row", fields[tf],
                                     tp->unix_s == table.times.back() ? "equal to (a duplicate of)" : "before"));
      continue;
    }
    table.times.push_back(tp->unix_s);
    table.rows.push_back(row);
    for (std::size_t c = 0; c < wanted.size(); ++c) table.columns[c].push_back(vals[c]);
    const std::size_t nt = table.times.size();
    if (nt >= 3) {
      const std::int64_t s0 = table.times[1] - table.times[0];
      const std::int64_t s = table.times[nt - 1] - table.times[nt - 2];
      if (s != s0) {
        err(row, cols[tf], fmt::format("time: expected a regular step of {} s, found a step of {} s (a gap or irregular row)", s0, s));
      }
    }
  }
  if (header_fields == 0) {
    diags->Add(SourceMark{file, 1, 1}, key_path, "expected a CSV header and rows, found an empty file");
    return std::nullopt;
  }
  if (errors > kMaxRowErrors) {
    diags->Add(SourceMark{file, 0, 0}, key_path, fmt::format("{} more problems in this file not shown", errors - kMaxRowErrors));
  }
  if (errors > 0) return std::nullopt;
  if (table.times.size() < 2) {
    diags->Add(SourceMark{file, row, 1}, key_path, fmt::format("expected at least 2 data rows, found {}", table.times.size()));
    return std::nullopt;
  }
  table.step_s = table.times[1] - table.times[0];
  const std::int64_t step = table.step_s, run_step = axis.step_s;
  const std::int64_t first = table.times.front(), end = table.times.back() + step;
  const SourceMark whole{file, table.rows.front(), 1};
  auto when = [&](std::int64_t t) { return FormatIsoTime(t, axis.utc_offset_s); };
  if (step % run_step != 0 && run_step % step != 0) {
    diags->Add(whole, key_path, fmt::format("expected a step that divides or is a multiple of the run step ({} s), found {} s", run_step, step));
    return std::nullopt;
  }
  if (first > axis.start_unix_s || end < axis.EndTime()) {
    diags->Add(SourceMark{file, first > axis.start_unix_s ? table.rows.front() : table.rows.back(), 1}, key_path,
               fmt::format("expected data covering the run {} to {}, found {} to {}", when(axis.start_unix_s),
                           when(axis.EndTime()), when(first), when(end)));
    return std::nullopt;
  }
  const std::int64_t grid = std::min(step, run_step);
  if ((axis.start_unix_s - first) % grid != 0) {
    diags->Add(whole, key_path, fmt::format("expected rows aligned with the run's steps (start {}), found rows offset by {} s",
                                            when(axis.start_unix_s), (axis.start_unix_s - first) % grid));
    return std::nullopt;
  }
  return table;
}

Series AlignColumn(const CsvTable& table, std::size_t column, const TimeAxis& axis) {
  const auto& values = table.columns[column];
  const std::int64_t step = table.step_s, run_step = axis.step_s, first = table.times.front();
  Series out(axis.count);
  if (step >= run_step) {
    for (std::int64_t k = 0; k < axis.count; ++k) out[k] = values[static_cast<std::size_t>((axis.TimeAt(k) - first) / step)];
  } else {
    const std::int64_t per = run_step / step;
    for (std::int64_t k = 0; k < axis.count; ++k) {
      const std::int64_t idx0 = (axis.TimeAt(k) - first) / step;
      double sum = 0.0;
      for (std::int64_t j = 0; j < per; ++j) sum += values[static_cast<std::size_t>(idx0 + j)];
      out[k] = sum / static_cast<double>(per);
    }
  }
  return out;
}

std::optional<Series> ReadCsvSeries(const CsvRequest& req, const TimeAxis& axis, SourceSet* sources,
                                    Diagnostics* diags) {
  const auto table = ReadCsvTable(req.path, {req.column}, 1, req.lo, req.from, req.key_path, axis, sources, diags);
  if (!table) return std::nullopt;
  return AlignColumn(*table, 0, axis);
}

std::optional<dispatch::IssuedForecasts> ReadIssuedForecasts(const std::string& path, const std::string& column,
                                                             const SourceMark& from, const std::string& key_path,
                                                             SourceSet* sources, Diagnostics* diags) {
  const std::optional<std::string> file_text = ReadFile(path, from, key_path, diags);
  if (!file_text) return std::nullopt;
  const std::string& text = *file_text;
  const std::size_t before = diags->size();
  int errors = 0;
  auto err = [&](int row, int col, std::string msg) {
    if (errors++ < kMaxRowErrors) diags->Add(SourceMark{path, row, col}, key_path, std::move(msg));
  };
  std::vector<std::string_view> fields;
  std::vector<int> cols;
  struct Row {
    std::int64_t target, issue;
    double value;
    int line;
  };
  std::vector<Row> rows;
  int ci = -1, ct = -1, cv = -1, row = 0;
  std::size_t header = 0, pos = 0;
  while (NextRecord(text, &pos, &row, &fields, &cols)) {
    if (header == 0) {
      header = fields.size();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "issue_time") ci = static_cast<int>(i);
        if (fields[i] == "target_time") ct = static_cast<int>(i);
        if (fields[i] == column) cv = static_cast<int>(i);
      }
      if (ci < 0 || ct < 0 || cv < 0) {
        err(row, 1, fmt::format("expected a header with issue_time, target_time and {}", column));
        break;
      }
      continue;
    }
    if (fields.size() != header) {
      err(row, 1, fmt::format("expected {} fields as in the header, found {}", header, fields.size()));
      continue;
    }
    std::string msg;
    const auto issue = ParseIsoTime(fields[static_cast<std::size_t>(ci)], &msg);
    if (!issue) { err(row, cols[static_cast<std::size_t>(ci)], "issue_time: " + msg); continue; }
    const auto target = ParseIsoTime(fields[static_cast<std::size_t>(ct)], &msg);
    if (!target) { err(row, cols[static_cast<std::size_t>(ct)], "target_time: " + msg); continue; }
    const auto v = ParseNumber(fields[static_cast<std::size_t>(cv)], &msg);
    if (!v) { err(row, cols[static_cast<std::size_t>(cv)], fmt::format("{}: {}", column, msg)); continue; }
    if (target->unix_s < issue->unix_s) {
      err(row, cols[static_cast<std::size_t>(ct)], "target_time: expected a target at or after the issue time (a forecast, not a hindcast)");
      continue;
    }
    rows.push_back(Row{target->unix_s, issue->unix_s, *v, row});
  }
  if (header == 0) err(1, 1, "expected a CSV header and rows, found an empty file");
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.target != b.target ? a.target < b.target : a.issue < b.issue;
  });
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].target == rows[i - 1].target && rows[i].issue == rows[i - 1].issue) {
      err(rows[i].line, 1, fmt::format("expected one value per issue and target time, found a duplicate of row {}", rows[i - 1].line));
    }
  }
  if (diags->size() > before) {
    sources->Add(path, text);
    return std::nullopt;
  }
  dispatch::IssuedForecasts f;
  for (const Row& r : rows) {
    f.issue_unix_s.push_back(r.issue);
    f.target_unix_s.push_back(r.target);
    f.value.push_back(r.value);
  }
  return f;
}

namespace {

// Local civil date and second of day of a Unix time at a fixed UTC offset.
void LocalDate(std::int64_t unix_s, std::int32_t offset_s, std::int64_t* y, unsigned* m, unsigned* d, std::int64_t* sod) {
  const std::int64_t local = unix_s + offset_s;
  const std::int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  *sod = local - days * 86400;
  CivilFromDays(days, y, m, d);
}

}  // namespace

TimeAxis FirstYear(const TimeAxis& axis) {
  std::int64_t y0, sod0;
  unsigned m0, d0;
  LocalDate(axis.start_unix_s, axis.utc_offset_s, &y0, &m0, &d0, &sod0);
  const unsigned d_next = (m0 == 2 && d0 == 29) ? 28 : d0;
  const std::int64_t year_end = DaysFromCivil(y0 + 1, m0, d_next) * 86400 + sod0 - axis.utc_offset_s;
  TimeAxis base = axis;
  base.count = std::min<std::int64_t>(axis.count, (year_end - axis.start_unix_s) / axis.step_s);
  return base;
}

std::vector<std::int64_t> YearlyIndex(const TimeAxis& axis) {
  const TimeAxis base = FirstYear(axis);
  std::int64_t y0, sod0;
  unsigned m0, d0;
  LocalDate(axis.start_unix_s, axis.utc_offset_s, &y0, &m0, &d0, &sod0);
  std::vector<std::int64_t> index(static_cast<std::size_t>(axis.count));
  for (std::int64_t k = 0; k < axis.count; ++k) {
    if (k < base.count) {
      index[static_cast<std::size_t>(k)] = k;
      continue;
    }
    std::int64_t y, sod;
    unsigned m, d;
    LocalDate(axis.TimeAt(k), axis.utc_offset_s, &y, &m, &d, &sod);
    // The same month, day and time within the first year.
    const bool before_start = m < m0 || (m == m0 && (d < d0 || (d == d0 && sod < sod0)));
    const std::int64_t by = before_start ? y0 + 1 : y0;
    unsigned bd = d;
    if (m == 2 && d == 29 && DaysFromCivil(by, 3, 1) - DaysFromCivil(by, 2, 1) == 28) bd = 28;
    const std::int64_t t = DaysFromCivil(by, m, bd) * 86400 + sod - axis.utc_offset_s;
    index[static_cast<std::size_t>(k)] = std::clamp<std::int64_t>((t - axis.start_unix_s) / axis.step_s, 0, base.count - 1);
  }
  return index;
}

Series RepeatYearly(const Series& first_year, const std::vector<std::int64_t>& index) {
  Series out(static_cast<Eigen::Index>(index.size()));
  for (std::size_t k = 0; k < index.size(); ++k) out[static_cast<Eigen::Index>(k)] = first_year[index[k]];
  return out;
}

std::optional<Series> ReadCsvSeriesYearly(const CsvRequest& req, const TimeAxis& axis, SourceSet* sources,
                                          Diagnostics* diags) {
  const TimeAxis base = FirstYear(axis);
  const auto first = ReadCsvSeries(req, base, sources, diags);
  if (!first || base.count == axis.count) return first;
  return RepeatYearly(*first, YearlyIndex(axis));
}

}  // namespace essim::io
