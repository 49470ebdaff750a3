// CSV time series input: a `time` column (ISO 8601 with offset, interval start) and a
// value column, checked row by row and aligned to the run's TimeAxis.
#pragma once

#include <optional>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/series.h"
#include "sim/core/time.h"
#include "sim/dispatch/forecast.h"
#include "sim/io/tree.h"

namespace essim::io {

//! How a CSV series is named in a scenario (for messages).
struct CsvRequest {
  std::string path;       //!< resolved file path
  std::string column;     //!< value column
  double lo = -1e300;     //!< smallest allowed value
  SourceMark from;        //!< mark of the key that names the file
  std::string key_path;   //!< e.g. "pv.path"
};

//! A regular time table read from CSV: one row per time, columns by request order.
struct CsvTable {
  std::vector<std::int64_t> times;            //!< row start times, Unix s (regular)
  std::vector<std::vector<double>> columns;   //!< one vector per requested column (NaN if absent)
  std::vector<bool> present;                  //!< whether each requested column was in the file
  std::vector<int> rows;                      //!< file line of each row
  std::int64_t step_s = 0;
};

//! Reads `columns` (the first `required` of them must exist) from a CSV with a `time`
//! column; checks rows, regular steps and coverage of the axis. Problems go to diags.
std::optional<CsvTable> ReadCsvTable(const std::string& path, const std::vector<std::string>& columns,
                                     std::size_t required, double lo, const SourceMark& from,
                                     const std::string& key_path, const TimeAxis& axis, SourceSet* sources,
                                     Diagnostics* diags);

//! Aligns a column to the axis: equal step one to one, coarser held, finer averaged.
Series AlignColumn(const CsvTable& table, std::size_t column, const TimeAxis& axis);

//! Reads the file and aligns it to the axis: same step maps one to one; a coarser
//! step is held over the finer run steps; a finer step is averaged. Problems (missing
//! file, bad header, bad rows as file:row, irregular or short coverage) go to diags.
//! On any problem the file's text is added to `sources` for the excerpt.
std::optional<Series> ReadCsvSeries(const CsvRequest& req, const TimeAxis& axis, SourceSet* sources,
                                    Diagnostics* diags);

//! As ReadCsvSeries for a file covering the first year of the run ([start, start + one
//! local calendar year)), repeated over later years by local month, day and time of day
//! (29 February takes 28 February when the first year has none).
std::optional<Series> ReadCsvSeriesYearly(const CsvRequest& req, const TimeAxis& axis, SourceSet* sources,
                                          Diagnostics* diags);

//! The first year of an axis: [start, the same local date and time a year later), or the
//! whole axis if shorter.
TimeAxis FirstYear(const TimeAxis& axis);
//! For each step of `axis`, the step of its first year with the same local month, day and
//! time of day (29 February → 28 February when the first year has none).
std::vector<std::int64_t> YearlyIndex(const TimeAxis& axis);
//! A first-year series spread over the whole axis by YearlyIndex.
Series RepeatYearly(const Series& first_year, const std::vector<std::int64_t>& index);

//! Reads issued forecasts: columns `issue_time`, `target_time` (ISO 8601 with offsets) and
//! `column`; sorted by (target, issue) on return. Problems are located by file:row:col.
std::optional<dispatch::IssuedForecasts> ReadIssuedForecasts(const std::string& path, const std::string& column,
                                                             const SourceMark& from, const std::string& key_path,
                                                             SourceSet* sources, Diagnostics* diags);

}  // namespace essim::io
