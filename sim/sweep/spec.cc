#include "sim/sweep/spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/core/rng.h"
#include "sim/io/yaml_loader.h"

namespace essim::sweep {
namespace fs = std::filesystem;
namespace {

using FT = io::FieldType;

std::vector<io::Section> Build() {
  std::vector<io::Section> s;
  s.push_back({"", "A sweep file (`essim sweep SWEEP.yaml`). Parameters are dotted scenario keys, the same paths as `--set` "
                   "(`storage.phases[0].energy`, `storage.phases[phase-2].power`, `dispatch.strategy`); values are written "
                   "as in a scenario (`500 MW`). `grid`, each `zip` group and the `random` samples are axes of one cartesian "
                   "product; `cases` are added after it as written. Paths are relative to the sweep file; `output` to the "
                   "working directory.",
               {
                   {.name = "name", .type = FT::kString, .required = true, .doc = "sweep name (default output folder `out/sweeps/<name>`)"},
                   {.name = "description", .type = FT::kString, .doc = "free text"},
                   {.name = "base", .type = FT::kPath, .required = true, .doc = "the scenario every case starts from"},
                   {.name = "set", .type = FT::kSection, .doc = "overrides applied to every case, `{KEY: VALUE, ...}` (e.g. `output.timeseries: false`)"},
                   {.name = "grid", .type = FT::kSection, .doc = "`{KEY: [v1, v2, ...], ...}`: every combination of the listed values"},
                   {.name = "zip", .type = FT::kList, .doc = "groups of lists walked in lockstep: one mapping `{KEY: [...], KEY2: [...]}` or a list of them; each group is one axis of the product"},
                   {.name = "random", .type = FT::kSection, .doc = "seeded random samples (see `random`)"},
                   {.name = "cases", .type = FT::kList, .doc = "explicit cases, each `{KEY: VALUE, ...}`"},
                   {.name = "output", .type = FT::kPath, .doc = "output folder: `sweep.sqlite`, `results.csv`, `shards/`, `cases/` (default `out/sweeps/<name>`; `--out` overrides)"},
                   {.name = "keep_outputs", .type = FT::kBool, .default_text = "false", .doc = "also write each case's `timeseries.csv` and `summary.json` into `cases/<id>/`"},
               }});
  s.push_back({"random", "Seeded random samples: `samples` points, each drawing every parameter independently from its range.",
               {
                   {.name = "samples", .type = FT::kInteger, .required = true, .doc = "number of samples (a sample equal to an earlier one, possible with `integer`, is dropped)", .lo = 1, .hi = 1e7},
                   {.name = "seed", .type = FT::kInteger, .default_text = "1", .doc = "random seed (same seed, same samples)", .lo = 0, .hi = 9007199254740992.0},
                   {.name = "parameters", .type = FT::kSection, .required = true, .doc = "`{KEY: {from, to, distribution, integer}, ...}`"},
               }});
  s.push_back({"random.parameters.*", "The range of one randomly sampled parameter.",
               {
                   {.name = "from", .type = FT::kString, .required = true, .doc = "lower end, a number or a quantity (`500 MWh`)"},
                   {.name = "to", .type = FT::kString, .required = true, .doc = "upper end, in the same unit as `from`"},
                   {.name = "distribution", .type = FT::kEnum, .default_text = "uniform", .doc = "`uniform`, or `log_uniform` (both ends > 0)", .choices = {"uniform", "log_uniform"}},
                   {.name = "integer", .type = FT::kBool, .default_text = "false", .doc = "round samples to whole numbers"},
               }});
  return s;
}

const io::Section& SectionAt(std::string_view path) {
  for (const auto& s : SweepSections()) {
    if (s.path == path) return s;
  }
  throw std::logic_error("sweep schema: no section " + std::string(path));
}

std::uint64_t Fnv1a(std::string_view text, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string ValueText(const io::Node& n) { return n.IsScalar() ? n.scalar : io::CanonicalText(n); }

Param MakeParam(const io::MapEntry& e, io::Node value) {
  Param p{e.key, e.key_mark, std::move(value), {}};
  p.text = ValueText(p.value);
  return p;
}

// "<number> <unit>" → (number, unit); a bare number has an empty unit.
std::optional<std::pair<double, std::string>> SplitNumber(const std::string& text) {
  const std::size_t space = text.find(' ');
  const std::string num = text.substr(0, space);
  std::string err;
  const auto v = ParseNumber(num, &err);
  if (!v) return std::nullopt;
  std::string unit = space == std::string::npos ? "" : text.substr(space + 1);
  unit.erase(0, unit.find_first_not_of(' '));
  return std::make_pair(*v, unit);
}

// One axis of the product: a list of alternatives, each a list of parameters.
using Axis = std::vector<std::vector<Param>>;

void ReadGrid(const io::Node* grid, std::vector<Axis>* axes, io::Diagnostics* d) {
  if (!grid) return;
  if (!grid->IsMap()) {
    d->Add(grid->mark, "grid", fmt::format("expected a mapping of KEY: [values], found {}", grid->Describe()));
    return;
  }
  for (const auto& e : grid->entries) {
    if (!e.value.IsSequence() || e.value.items.empty()) {
      d->Add(e.value.mark, "grid." + e.key, fmt::format("expected a non-empty list of values, found {}", e.value.Describe()));
      continue;
    }
    Axis axis;
    for (const auto& v : e.value.items) axis.push_back({MakeParam(e, v)});
    axes->push_back(std::move(axis));
  }
}

void ReadZipGroup(const io::Node& group, const std::string& path, std::vector<Axis>* axes, io::Diagnostics* d) {
  if (!group.IsMap() || group.entries.empty()) {
    d->Add(group.mark, path, fmt::format("expected a mapping of KEY: [values] walked in lockstep, found {}", group.Describe()));
    return;
  }
  const auto& first = group.entries.front();
  Axis axis;
  for (const auto& e : group.entries) {
    if (!e.value.IsSequence() || e.value.items.empty()) {
      d->Add(e.value.mark, path + "." + e.key, fmt::format("expected a non-empty list of values, found {}", e.value.Describe()));
      return;
    }
    if (e.value.items.size() != first.value.items.size()) {
      d->Add(e.value.mark, path + "." + e.key,
             fmt::format("expected {} values (as many as \"{}\"), found {}", first.value.items.size(), first.key, e.value.items.size()));
      return;
    }
  }
  for (std::size_t i = 0; i < first.value.items.size(); ++i) {
    std::vector<Param> alt;
    for (const auto& e : group.entries) alt.push_back(MakeParam(e, e.value.items[i]));
    axis.push_back(std::move(alt));
  }
  axes->push_back(std::move(axis));
}

void ReadZip(const io::Node* zip, std::vector<Axis>* axes, io::Diagnostics* d) {
  if (!zip) return;
  if (zip->IsMap()) return ReadZipGroup(*zip, "zip", axes, d);
  if (!zip->IsSequence()) {
    d->Add(zip->mark, "zip", fmt::format("expected a mapping of lists, or a list of such mappings, found {}", zip->Describe()));
    return;
  }
  for (std::size_t g = 0; g < zip->items.size(); ++g) ReadZipGroup(zip->items[g], fmt::format("zip[{}]", g), axes, d);
}

void ReadRandom(const io::MapReader& top, std::vector<Axis>* axes, io::Diagnostics* d) {
  if (!top.Has("random")) return;
  io::MapReader rr(top.Get("random"), "random", SectionAt("random"), d);
  if (!rr.present()) return;
  const auto samples = rr.Quantity("samples");
  const auto seed = rr.Quantity("seed");
  const io::Node* params = rr.Get("parameters");
  if (!samples || !seed || !params) return;
  if (!params->IsMap() || params->entries.empty()) {
    rr.Error("parameters", fmt::format("expected a mapping of KEY: {{from, to}}, found {}", params->Describe()));
    return;
  }
  struct Range {
    const io::MapEntry* entry;
    double lo, hi;
    std::string unit;
    bool log, integer;
  };
  std::vector<Range> ranges;
  for (const auto& e : params->entries) {
    const std::string path = "random.parameters." + e.key;
    io::MapReader pr(&e.value, path, SectionAt("random.parameters.*"), d);
    if (!pr.present()) continue;
    const auto from = pr.String("from"), to = pr.String("to");
    const bool log = pr.String("distribution").value_or("uniform") == "log_uniform";
    const bool integer = pr.Bool("integer").value_or(false);
    if (!from || !to) continue;
    const auto a = SplitNumber(*from), b = SplitNumber(*to);
    if (!a) {
      pr.Error("from", fmt::format("expected a number or \"<number> <unit>\", found \"{}\"", *from));
      continue;
    }
    if (!b) {
      pr.Error("to", fmt::format("expected a number or \"<number> <unit>\", found \"{}\"", *to));
      continue;
    }
    if (a->second != b->second) {
      pr.Error("to", fmt::format("expected the unit of \"from\" ({}), found \"{}\"", a->second.empty() ? "none" : a->second, *to));
      continue;
    }
    if (!(b->first >= a->first)) {
      pr.Error("to", fmt::format("expected a value >= from ({}), found \"{}\"", *from, *to));
      continue;
    }
    if (log && !(a->first > 0.0)) {
      pr.Error("from", fmt::format("expected a value > 0 for a log_uniform range, found \"{}\"", *from));
      continue;
    }
    ranges.push_back({&e, a->first, b->first, a->second, log, integer});
  }
  if (ranges.size() != params->entries.size()) return;
  // One stream, drawn sample by sample and parameter by parameter: the same seed gives the
  // same samples on every platform (essim's own generator).
  Rng rng(static_cast<std::uint64_t>(*seed), 0x5eed);
  Axis axis;
  std::set<std::string> drawn;  // a repeated sample (likely with `integer`) is dropped
  for (std::int64_t s = 0; s < static_cast<std::int64_t>(*samples); ++s) {
    std::vector<Param> alt;
    for (const auto& r : ranges) {
      const double u = rng.Uniform();
      double v = r.log ? r.lo * std::pow(r.hi / r.lo, u) : r.lo + u * (r.hi - r.lo);
      std::string num;
      if (r.integer) {
        v = std::clamp(std::round(v), std::ceil(r.lo), std::floor(r.hi));
        num = fmt::format("{}", static_cast<std::int64_t>(v));
      } else {
        num = fmt::format("{:.10g}", v);
      }
      io::Node value;
      value.kind = io::Node::Kind::kScalar;
      value.scalar = r.unit.empty() ? num : num + " " + r.unit;
      value.mark = r.entry->value.mark;
      alt.push_back(MakeParam(*r.entry, std::move(value)));
    }
    std::string key;
    for (const auto& p : alt) key += p.text + "\n";
    if (drawn.insert(key).second) axis.push_back(std::move(alt));
  }
  axes->push_back(std::move(axis));
}

void ReadCases(const io::Node* cases, std::vector<std::vector<Param>>* out, io::Diagnostics* d) {
  if (!cases) return;
  if (!cases->IsSequence()) {
    d->Add(cases->mark, "cases", fmt::format("expected a list of {{KEY: VALUE}} mappings, found {}", cases->Describe()));
    return;
  }
  for (std::size_t i = 0; i < cases->items.size(); ++i) {
    const io::Node& c = cases->items[i];
    if (!c.IsMap() || c.entries.empty()) {
      d->Add(c.mark, fmt::format("cases[{}]", i), fmt::format("expected a mapping {{KEY: VALUE, ...}}, found {}", c.Describe()));
      continue;
    }
    std::vector<Param> ps;
    for (const auto& e : c.entries) ps.push_back(MakeParam(e, e.value));
    out->push_back(std::move(ps));
  }
}

// Numeric storage of a parameter's values when they all read as numbers or as quantities
// of one dimension (stored in its canonical unit).
ParamColumn ClassifyColumn(const std::string& key, const std::vector<const io::Node*>& values) {
  ParamColumn col{key, false, Dim::kNumber, ""};
  std::optional<Dim> dim;
  for (const io::Node* v : values) {
    if (!v->IsScalar()) return col;
    std::string err;
    if (ParseNumber(v->scalar, &err)) {
      if (dim && *dim != Dim::kNumber) return col;
      dim = Dim::kNumber;
      continue;
    }
    std::optional<Dim> found;
    for (int k = static_cast<int>(Dim::kPower); k <= static_cast<int>(Dim::kTempCoefficient); ++k) {
      if (ParseQuantity(v->scalar, static_cast<Dim>(k), &err)) {
        found = static_cast<Dim>(k);
        break;
      }
    }
    if (!found || (dim && *dim != *found)) return col;
    dim = found;
  }
  col.numeric = true;
  col.dim = *dim;
  col.unit = *dim == Dim::kNumber ? "" : std::string(CanonicalUnit(*dim));
  return col;
}

std::string SectionsKey(const io::Node& merged, std::initializer_list<const char*> sections) {
  std::string key;
  for (const char* section : sections) {
    key += section;
    key += '=';
    if (const io::Node* n = merged.Find(section)) key += io::CanonicalText(*n);
    key += '\n';
  }
  return key;
}

}  // namespace

const std::vector<io::Section>& SweepSections() {
  static const std::vector<io::Section> kSections = Build();
  return kSections;
}

std::string CaseId(std::vector<std::pair<std::string, std::string>> pairs) {
  std::sort(pairs.begin(), pairs.end());
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& [k, v] : pairs) {
    h = Fnv1a(k, h);
    h = Fnv1a("=", h);
    h = Fnv1a(v, h);
    h = Fnv1a("\n", h);
  }
  return fmt::format("{:016x}", h);
}

std::pair<int, int> ParseShard(const std::string& text) {
  const std::size_t slash = text.find('/');
  auto whole = [](const std::string& s) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoi(s);
  };
  const int i = slash == std::string::npos ? -1 : whole(text.substr(0, slash));
  const int n = slash == std::string::npos ? -1 : whole(text.substr(slash + 1));
  if (i < 0 || n < 1 || i >= n) {
    throw std::invalid_argument(fmt::format("--shard: expected I/N with 0 <= I < N (e.g. 0/4), found \"{}\"", text));
  }
  return {i, n};
}

io::LoadOptions CaseOptions(const SweepSpec& spec, const Case& c) {
  io::LoadOptions o;
  o.marked_sets = spec.fixed;
  for (const auto& p : c.params) o.marked_sets.push_back(io::MarkedSet{p.key, p.key_mark, p.value});
  return o;
}

SweepSpec LoadSweep(const std::string& path) {
  SweepSpec spec;
  spec.file = path;
  io::SourceSet sources;
  io::Diagnostics d;
  auto doc = io::ParseYaml(path, [&] {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError({Diagnostic{SourceMark{path, 0, 0}, "", "cannot open the sweep file"}},
                                 fmt::format("{}: cannot open the sweep file\n", path));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }(), &sources, &d);
  d.ThrowIfAny(sources);
  if (!doc) throw ScenarioError({}, "cannot load " + path);

  io::MapReader top(&*doc, "", SectionAt(""), &d);
  spec.name = top.String("name").value_or("sweep");
  spec.description = top.String("description").value_or("");
  spec.keep_outputs = top.Bool("keep_outputs").value_or(false);
  spec.output_dir = top.String("output").value_or("out/sweeps/" + spec.name);
  const auto base = top.String("base");
  if (const io::Node* set = top.Get("set")) {
    if (!set->IsMap()) {
      top.Error("set", fmt::format("expected a mapping {{KEY: VALUE, ...}}, found {}", set->Describe()));
    } else {
      for (const auto& e : set->entries) spec.fixed.push_back(io::MarkedSet{e.key, e.key_mark, e.value});
    }
  }
  std::vector<Axis> axes;
  ReadGrid(top.Get("grid"), &axes, &d);
  ReadZip(top.Get("zip"), &axes, &d);
  ReadRandom(top, &axes, &d);
  std::vector<std::vector<Param>> explicit_cases;
  ReadCases(top.Get("cases"), &explicit_cases, &d);
  if (top.present() && axes.empty() && explicit_cases.empty() && d.empty()) {
    d.Add(top.mark(), "", "expected at least one of grid, zip, random or cases, found none");
  }
  // A key swept by two axes would be ambiguous.
  {
    std::map<std::string, std::string> owner;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      for (const auto& p : axes[a].front()) {
        const auto [it, fresh] = owner.emplace(p.key, fmt::format("axis {}", a));
        if (!fresh) d.Add(p.key_mark, p.key, "expected each key in one axis only (grid, a zip group or random), found it twice");
      }
    }
  }
  d.ThrowIfAny(sources);

  // Expand: the product of the axes (the last axis varies fastest), then explicit cases.
  std::vector<std::vector<Param>> expanded;
  if (!axes.empty()) {
    std::int64_t total = 1;
    for (const auto& a : axes) {
      total *= static_cast<std::int64_t>(a.size());
      if (total > 10'000'000) {
        d.Add(top.mark(), "", "expected at most 10,000,000 cases, found more");
        d.ThrowIfAny(sources);
      }
    }
    std::vector<std::size_t> digit(axes.size(), 0);
    for (std::int64_t k = 0; k < total; ++k) {
      std::vector<Param> ps;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        for (const auto& p : axes[a][digit[a]]) ps.push_back(p);
      }
      expanded.push_back(std::move(ps));
      for (std::size_t a = axes.size(); a-- > 0;) {
        if (++digit[a] < axes[a].size()) break;
        digit[a] = 0;
      }
    }
  }
  for (auto& c : explicit_cases) expanded.push_back(std::move(c));

  // Ids, duplicates and columns.
  std::map<std::string, std::int64_t> seen;
  std::map<std::string, std::vector<const io::Node*>> values;
  std::vector<std::string> order;
  for (auto& ps : expanded) {
    Case c;
    c.index = static_cast<std::int64_t>(spec.cases.size());
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& p : ps) pairs.emplace_back(p.key, p.text);
    c.id = CaseId(pairs);
    c.params = std::move(ps);
    const auto [it, fresh] = seen.emplace(c.id, c.index);
    if (!fresh) {
      const SourceMark mark = c.params.empty() ? top.mark() : c.params.front().key_mark;
      d.Add(mark, c.params.empty() ? "" : c.params.front().key,
            fmt::format("expected every case to differ, found case {} equal to case {} (id {})", c.index, it->second, c.id));
    }
    spec.cases.push_back(std::move(c));
  }
  for (const auto& c : spec.cases) {
    for (const auto& p : c.params) {
      if (!values.count(p.key)) order.push_back(p.key);
      values[p.key].push_back(&p.value);
    }
  }
  for (const auto& k : order) spec.columns.push_back(ClassifyColumn(k, values[k]));
  d.ThrowIfAny(sources);

  // The base scenario, then every case validated as a scenario (located in this file).
  if (!base) d.ThrowIfAny(sources);
  spec.base_path = top.MarkOf("base").file.empty() ? *base
                                                   : (fs::path(path).parent_path() / *base).lexically_normal().string();
  try {
    spec.base = io::LoadScenarioDocument(spec.base_path);
  } catch (const ScenarioError& e) {
    d.Add(top.MarkOf("base"), "base", fmt::format("expected a loadable scenario, found problems in \"{}\":\n{}", *base, e.what()));
    d.ThrowIfAny(sources);
  }
  {
    std::ifstream in(path, std::ios::binary);
    spec.base.sources.Add(path, std::string(std::istreambuf_iterator<char>(in), {}));
  }
  std::set<std::tuple<std::string, int, int, std::string, std::string>> reported;
  io::Diagnostics cd;
  spec.scenarios.reserve(spec.cases.size());
  spec.inputs_keys.reserve(spec.cases.size());
  spec.pv_keys.reserve(spec.cases.size());
  for (const auto& c : spec.cases) {
    io::Node merged;
    try {
      spec.scenarios.push_back(io::ReadScenario(spec.base, CaseOptions(spec, c), &merged));
      spec.inputs_keys.push_back(SectionsKey(merged, {"time", "site", "weather", "pv", "load", "grid", "market"}));
      spec.pv_keys.push_back(SectionsKey(merged, {"time", "site", "weather", "pv"}));
    } catch (const ScenarioError& e) {
      for (const auto& g : e.diagnostics()) {
        if (reported.emplace(g.mark.file, g.mark.line, g.mark.column, g.key_path, g.message).second) {
          cd.Add(g.mark, g.key_path, g.message + fmt::format(" (case {}, id {})", c.index, c.id));
        }
      }
      if (reported.size() >= 50) break;
    }
  }
  cd.ThrowIfAny(spec.base.sources);

  // The fingerprint: what a database of results belongs to.
  std::uint64_t h = Fnv1a(io::CanonicalText(spec.base.root));
  for (const auto& f : spec.fixed) h = Fnv1a(f.key + "=" + io::CanonicalText(f.value) + "\n", h);
  for (const auto& c : spec.cases) h = Fnv1a(c.id + "\n", h);
  spec.fingerprint = fmt::format("{:016x}", h);
  return spec;
}

}  // namespace essim::sweep
