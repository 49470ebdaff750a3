// Schema-driven reading of a mapping: each key is declared once (type, unit, range,
// default, meaning); the same declarations validate input and generate the README's
// scenario reference. Problems are collected, never thrown one at a time.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.h"
#include "sim/core/units.h"
#include "sim/io/tree.h"

namespace essim::io {

enum class FieldType {
  kQuantity,    //!< "<number> <unit>" of `dim`
  kRatio,       //!< a fraction as "95 %" or a bare ratio "0.95"
  kNumber,      //!< a bare number
  kInteger,     //!< a bare whole number
  kBool,        //!< true | false
  kString,      //!< free text
  kEnum,        //!< one of `choices`
  kTime,        //!< ISO 8601 with UTC offset
  kClockRange,  //!< "HH:MM-HH:MM" local clock, may wrap midnight
  kPath,        //!< file path, relative to the file that names it
  kSection,     //!< a mapping documented as its own section
  kList,        //!< a list (its items documented as a section)
  kSeries,      //!< a constant quantity, or a mapping {source: csv, path, column}
};

inline constexpr double kInf = std::numeric_limits<double>::infinity();

//! One key of a section.
struct Field {
  std::string_view name;
  FieldType type = FieldType::kString;
  Dim dim = Dim::kNumber;
  bool required = false;
  std::string_view default_text;  //!< parsed like user input; "" = no default
  std::string_view doc;
  double lo = -kInf;              //!< lower bound (canonical units)
  double hi = kInf;
  bool lo_open = false;           //!< lo excluded
  bool hi_open = false;
  std::vector<std::string> choices;  //!< for kEnum
};

//! A mapping's declared keys.
struct Section {
  std::string path;   //!< documentation path, e.g. "storage.phases[]"
  std::string doc;
  std::vector<Field> fields;
  const Field* Find(std::string_view name) const;
  std::vector<std::string> Names() const;
};

//! Reads one mapping against its Section. Unknown keys, missing required keys and a
//! non-mapping node are reported on construction.
class MapReader {
 public:
  //! `node` may be null (section absent): every getter then returns defaults.
  MapReader(const Node* node, std::string path, const Section& section, Diagnostics* diags);

  bool present() const { return node_ != nullptr && node_->IsMap(); }
  bool Has(std::string_view name) const;
  const Node* Get(std::string_view name) const;
  std::string PathOf(std::string_view name) const;
  SourceMark MarkOf(std::string_view name) const;
  const SourceMark& mark() const { return mark_; }
  const std::string& path() const { return path_; }
  Diagnostics* diags() const { return diags_; }

  std::optional<double> Quantity(std::string_view name) const;  //!< kQuantity/kRatio/kNumber/kInteger
  std::optional<bool> Bool(std::string_view name) const;
  std::optional<std::string> String(std::string_view name) const;  //!< kString/kEnum/kPath
  std::optional<TimePoint> Time(std::string_view name) const;
  //! kClockRange as (start_s, end_s).
  std::optional<std::pair<int, int>> ClockRange(std::string_view name) const;
  //! Reports a problem at a key (or at the section when the key is absent).
  void Error(std::string_view name, std::string message) const;

 private:
  const Field& FieldOf(std::string_view name) const;
  const Node* node_;
  std::string path_;
  const Section& section_;
  Diagnostics* diags_;
  SourceMark mark_;
};

//! Parses a scalar as the field says and checks its range; reports into diags.
std::optional<double> ParseFieldQuantity(const Node& node, const Field& f, const std::string& path,
                                         Diagnostics* diags);

//! Text of a field's range for messages and docs, e.g. "> 0 MW" or "in [0 %, 100 %)".
std::string RangeText(const Field& f);

//! Renders sections as Markdown tables (the README scenario reference).
std::string SectionsMarkdown(const std::vector<Section>& sections);

}  // namespace essim::io
