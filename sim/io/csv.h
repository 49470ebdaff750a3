// CSV time series input: a `time` column (ISO 8601 with offset, interval start) and a
// value column, checked row by row and aligned to the run's TimeAxis.
#pragma once

#include <optional>
#include <string>

#include "sim/core/series.h"
#include "sim/core/time.h"
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

//! Reads the file and aligns it to the axis: same step maps one to one; a coarser
//! step is held over the finer run steps; a finer step is averaged. Problems (missing
//! file, bad header, bad rows as file:row, irregular or short coverage) go to diags.
//! On any problem the file's text is added to `sources` for the excerpt.
std::optional<Series> ReadCsvSeries(const CsvRequest& req, const TimeAxis& axis, SourceSet* sources,
                                    Diagnostics* diags);

}  // namespace essim::io
