#include "sim/io/reader.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace essim::io {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string ShowValue(double v, const Field& f) {
  if (f.type == FieldType::kRatio || f.dim == Dim::kFraction) return fmt::format("{:g} %", v * 100.0);
  if (f.dim == Dim::kRatePerDay) return fmt::format("{:g} %/day", v * 100.0);
  if (f.dim == Dim::kTempCoefficient) return fmt::format("{:g} %/degC", v * 100.0);
  if (f.dim == Dim::kNumber) return fmt::format("{:g}", v);
  return fmt::format("{:g} {}", v, CanonicalUnit(f.dim));
}

std::string TypeText(const Field& f) {
  switch (f.type) {
    case FieldType::kQuantity: return fmt::format("{} ({})", DimName(f.dim), AllowedUnits(f.dim));
    case FieldType::kRatio: return "fraction (% or bare ratio)";
    case FieldType::kNumber: return "number";
    case FieldType::kInteger: return "integer";
    case FieldType::kBool: return "true/false";
    case FieldType::kString: return "text";
    case FieldType::kEnum: return "one of: " + Join(f.choices);
    case FieldType::kTime: return "ISO 8601 time with offset";
    case FieldType::kClockRange: return "\"HH:MM-HH:MM\" local";
    case FieldType::kPath: return "file path";
    case FieldType::kSection: return "mapping";
    case FieldType::kList: return "list";
    case FieldType::kSeries: return fmt::format("{} ({}) or CSV series", DimName(f.dim), AllowedUnits(f.dim));
  }
  return "";
}

}  // namespace

const Field* Section::Find(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<std::string> Section::Names() const {
  std::vector<std::string> out;
  for (const auto& f : fields) out.emplace_back(f.name);
  return out;
}

std::string RangeText(const Field& f) {
  const bool has_lo = std::isfinite(f.lo), has_hi = std::isfinite(f.hi);
  if (!has_lo && !has_hi) return "";
  if (has_lo && !has_hi) return fmt::format("{} {}", f.lo_open ? ">" : ">=", ShowValue(f.lo, f));
  if (!has_lo) return fmt::format("{} {}", f.hi_open ? "<" : "<=", ShowValue(f.hi, f));
  return fmt::format("in {}{}, {}{}", f.lo_open ? "(" : "[", ShowValue(f.lo, f), ShowValue(f.hi, f), f.hi_open ? ")" : "]");
}

std::optional<double> ParseFieldQuantity(const Node& node, const Field& f, const std::string& path,
                                         Diagnostics* diags) {
  if (!node.IsScalar()) {
    std::string ex;
    if (f.type == FieldType::kNumber || f.type == FieldType::kInteger) ex = "a number";
    else ex = fmt::format("{} (e.g. \"{}\")", DimName(f.type == FieldType::kRatio ? Dim::kFraction : f.dim),
                          ExampleValue(f.type == FieldType::kRatio ? Dim::kFraction : f.dim));
    diags->Add(node.mark, path, fmt::format("expected {}, found {}", ex, node.Describe()));
    return std::nullopt;
  }
  std::string err;
  std::optional<double> v;
  if (f.type == FieldType::kRatio) v = ParseQuantity(node.scalar, Dim::kFraction, &err, true);
  else if (f.type == FieldType::kNumber || f.type == FieldType::kInteger) v = ParseNumber(node.scalar, &err);
  else v = ParseQuantity(node.scalar, f.dim, &err);
  if (!v) {
    diags->Add(node.mark, path, err);
    return std::nullopt;
  }
  if (f.type == FieldType::kInteger && *v != std::floor(*v)) {
    diags->Add(node.mark, path, fmt::format("expected a whole number, found \"{}\"", node.scalar));
    return std::nullopt;
  }
  const bool below = f.lo_open ? !(*v > f.lo) : !(*v >= f.lo);
  const bool above = f.hi_open ? !(*v < f.hi) : !(*v <= f.hi);
  if (below || above) {
    diags->Add(node.mark, path, fmt::format("expected {} {}, found \"{}\"",
                                            f.type == FieldType::kRatio ? "a fraction" : std::string(DimName(f.dim)),
                                            RangeText(f), node.scalar));
    return std::nullopt;
  }
  return v;
}

MapReader::MapReader(const Node* node, std::string path, const Section& section, Diagnostics* diags)
    : node_(node), path_(std::move(path)), section_(section), diags_(diags) {
  if (node_) mark_ = node_->mark;
  if (node_ && !node_->IsMap()) {
    diags_->Add(node_->mark, path_, fmt::format("expected a mapping with keys ({}), found {}", Join(section_.Names()), node_->Describe()));
    node_ = nullptr;
    return;
  }
  if (!node_) return;
  const std::vector<std::string> names = section_.Names();
  for (const auto& e : node_->entries) {
    if (section_.Find(e.key)) continue;
    const std::string near = Nearest(e.key, names);
    diags_->Add(e.key_mark, PathOf(e.key),
                fmt::format("unknown key \"{}\"{}; valid keys: {}", e.key,
                            near.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", near), Join(names)));
  }
  for (const auto& f : section_.fields) {
    if (f.required && !node_->Find(f.name)) {
      diags_->Add(node_->mark, PathOf(f.name), fmt::format("missing required key \"{}\" ({})", f.name, f.doc));
    }
  }
}

bool MapReader::Has(std::string_view name) const { return Get(name) != nullptr; }

const Node* MapReader::Get(std::string_view name) const {
  if (!node_) return nullptr;
  const Node* n = node_->Find(name);
  if (n && n->IsNull() && !FieldOf(name).required) return nullptr;  // "key: ~" = default
  return n;
}

std::string MapReader::PathOf(std::string_view name) const {
  return path_.empty() ? std::string(name) : fmt::format("{}.{}", path_, name);
}

SourceMark MapReader::MarkOf(std::string_view name) const {
  const Node* n = Get(name);
  return n ? n->mark : mark_;
}

const Field& MapReader::FieldOf(std::string_view name) const {
  const Field* f = section_.Find(name);
  if (!f) throw std::logic_error(fmt::format("schema: section {} has no key {}", section_.path, name));
  return *f;
}

void MapReader::Error(std::string_view name, std::string message) const {
  diags_->Add(MarkOf(name), PathOf(name), std::move(message));
}

std::optional<double> MapReader::Quantity(std::string_view name) const {
  const Field& f = FieldOf(name);
  const Node* n = Get(name);
  if (n) return ParseFieldQuantity(*n, f, PathOf(name), diags_);
  if (f.default_text.empty()) return std::nullopt;
  Node def;
  def.kind = Node::Kind::kScalar;
  def.scalar = std::string(f.default_text);
  return ParseFieldQuantity(def, f, PathOf(name), diags_);
}

std::optional<bool> MapReader::Bool(std::string_view name) const {
  const Field& f = FieldOf(name);
  const Node* n = Get(name);
  const std::string text = n ? (n->IsScalar() ? n->scalar : std::string()) : std::string(f.default_text);
  if (!n && text.empty()) return std::nullopt;
  if (text == "true") return true;
  if (text == "false") return false;
  Error(name, fmt::format("expected true or false, found {}", n ? n->Describe() : text));
  return std::nullopt;
}

std::optional<std::string> MapReader::String(std::string_view name) const {
  const Field& f = FieldOf(name);
  const Node* n = Get(name);
  if (!n) {
    if (f.default_text.empty()) return std::nullopt;
    return std::string(f.default_text);
  }
  if (!n->IsScalar()) {
    Error(name, fmt::format("expected {}, found {}", f.type == FieldType::kEnum ? "one of: " + Join(f.choices) : "text", n->Describe()));
    return std::nullopt;
  }
  if (f.type == FieldType::kEnum) {
    for (const auto& c : f.choices) {
      if (c == n->scalar) return n->scalar;
    }
    const std::string near = Nearest(n->scalar, f.choices);
    Error(name, fmt::format("expected one of: {}{}, found \"{}\"", Join(f.choices),
                            near.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", near), n->scalar));
    return std::nullopt;
  }
  if (n->scalar.empty()) {
    Error(name, "expected a non-empty value, found an empty string");
    return std::nullopt;
  }
  return n->scalar;
}

std::optional<TimePoint> MapReader::Time(std::string_view name) const {
  const Node* n = Get(name);
  if (!n) return std::nullopt;
  if (!n->IsScalar()) {
    Error(name, fmt::format("expected an ISO 8601 time with a UTC offset, found {}", n->Describe()));
    return std::nullopt;
  }
  std::string err;
  auto t = ParseIsoTime(n->scalar, &err);
  if (!t) Error(name, err);
  return t;
}

std::optional<std::pair<int, int>> MapReader::ClockRange(std::string_view name) const {
  const Node* n = Get(name);
  if (!n) return std::nullopt;
  auto bad = [&]() -> std::optional<std::pair<int, int>> {
    Error(name, fmt::format("expected a local clock range \"HH:MM-HH:MM\" (e.g. \"18:00-22:00\"), found {}", n->Describe()));
    return std::nullopt;
  };
  if (!n->IsScalar()) return bad();
  const std::size_t dash = n->scalar.find('-');
  if (dash == std::string::npos) return bad();
  auto a = ParseClock(n->scalar.substr(0, dash), nullptr);
  auto b = ParseClock(n->scalar.substr(dash + 1), nullptr);
  if (!a || !b || *a == 86400) return bad();
  const int end = (*b == 0 && *a > 0) ? 86400 : *b;  // "18:00-00:00" runs to midnight
  if (*a == end) {
    Error(name, fmt::format("expected a range of non-zero length (\"00:00-24:00\" is the whole day), found \"{}\"", n->scalar));
    return std::nullopt;
  }
  return std::make_pair(*a, end);
}

std::string SectionsMarkdown(const std::vector<Section>& sections) {
  std::string out;
  for (const auto& s : sections) {
    out += fmt::format("#### `{}`\n\n{}\n\n", s.path.empty() ? "(top level)" : s.path, s.doc);
    out += "| key | type and unit | default | range | meaning |\n|---|---|---|---|---|\n";
    for (const auto& f : s.fields) {
      std::string def = f.required ? "**required**" : (f.default_text.empty() ? "—" : fmt::format("`{}`", f.default_text));
      out += fmt::format("| `{}` | {} | {} | {} | {} |\n", f.name, TypeText(f), def, RangeText(f), f.doc);
    }
    out += "\n";
  }
  return out;
}

}  // namespace essim::io
