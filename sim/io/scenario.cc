#include "sim/io/scenario.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "sim/io/csv.h"
#include "sim/io/reader.h"
#include "sim/io/schema.h"
#include "sim/io/yaml_loader.h"

namespace essim::io {
namespace fs = std::filesystem;
namespace {

std::string Resolve(const SourceMark& mark, const std::string& path) {
  if (fs::path(path).is_absolute() || mark.file.empty() || mark.file.rfind("--set", 0) == 0) return path;
  return (fs::path(mark.file).parent_path() / path).lexically_normal().string();
}

// A constant (scalar with unit) or a {source: csv, path, column} mapping.
SeriesSpec ReadSeries(const MapReader& parent, std::string_view key, std::string_view csv_section) {
  SeriesSpec s;
  const Node* n = parent.Get(key);
  s.key_path = parent.PathOf(key);
  if (!n) return s;
  s.mark = n->mark;
  if (n->IsScalar()) {
    const Section& sec = SectionAt(parent.path());
    const auto v = ParseFieldQuantity(*n, *sec.Find(key), s.key_path, parent.diags());
    if (v) {
      s.kind = SeriesSpec::Kind::kConstant;
      s.value = *v;
    }
    return s;
  }
  MapReader r(n, s.key_path, SectionAt(csv_section), parent.diags());
  const auto path = r.String("path");
  const auto column = r.String("column");
  r.String("source");
  if (path && column) {
    s.kind = SeriesSpec::Kind::kCsv;
    s.path = Resolve(r.MarkOf("path"), *path);
    s.column = *column;
    s.mark = r.MarkOf("path");
    s.key_path = r.PathOf("path");
  }
  return s;
}

std::vector<market::TouPeriod> ReadPeriods(const Node* list, const std::string& path, Diagnostics* d) {
  std::vector<market::TouPeriod> out;
  if (!list) return out;
  if (!list->IsSequence() || list->items.empty()) {
    d->Add(list->mark, path, fmt::format("expected a non-empty list of periods, found {}", list->Describe()));
    return out;
  }
  const Section& sec = SectionAt("market.energy_price.periods[]");
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    MapReader r(&list->items[i], fmt::format("{}[{}]", path, i), sec, d);
    const auto hours = r.ClockRange("hours");
    const auto price = r.Quantity("price");
    if (hours && price) out.push_back({hours->first, hours->second, *price});
  }
  market::TouTable t;
  t.periods = out;
  if (out.size() == list->items.size()) {
    for (const auto& e : market::ValidateTouTable(t)) d->Add(list->mark, path, e);
  }
  return out;
}

void ReadPrice(const MapReader& market, Scenario* sc, Diagnostics* d) {
  const Node* n = market.Get("energy_price");
  sc->price.floor_yuan_per_mwh = market.Quantity("floor");
  sc->price.cap_yuan_per_mwh = market.Quantity("cap");
  if (sc->price.floor_yuan_per_mwh && sc->price.cap_yuan_per_mwh &&
      *sc->price.floor_yuan_per_mwh > *sc->price.cap_yuan_per_mwh) {
    market.Error("floor", fmt::format("expected a floor not above the cap ({:g} yuan/MWh), found {:g} yuan/MWh",
                                      *sc->price.cap_yuan_per_mwh, *sc->price.floor_yuan_per_mwh));
  }
  if (!n) return;
  if (n->IsScalar()) {
    sc->price.series = ReadSeries(market, "energy_price", "market.energy_price");
    return;
  }
  MapReader r(n, market.PathOf("energy_price"), SectionAt("market.energy_price"), d);
  const auto source = r.String("source");
  if (!source) return;
  if (*source == "csv") {
    for (const char* k : {"periods", "months"}) {
      if (r.Has(k)) r.Error(k, fmt::format("expected no \"{}\" with source: csv (it belongs to source: tou)", k));
    }
    const auto path = r.String("path");
    if (!path) {
      r.Error("path", "missing required key \"path\" (CSV file, with source: csv)");
      return;
    }
    auto& s = sc->price.series;
    s.kind = SeriesSpec::Kind::kCsv;
    s.path = Resolve(r.MarkOf("path"), *path);
    s.column = r.String("column").value_or("price_yuan_per_mwh");
    s.mark = r.MarkOf("path");
    s.key_path = r.PathOf("path");
    return;
  }
  for (const char* k : {"path", "column"}) {
    if (r.Has(k)) r.Error(k, fmt::format("expected no \"{}\" with source: tou (it belongs to source: csv)", k));
  }
  sc->price.tou = true;
  if (!r.Has("periods")) {
    r.Error("periods", "missing required key \"periods\" (daily periods, with source: tou)");
    return;
  }
  sc->price.tou_config.base.periods = ReadPeriods(r.Get("periods"), r.PathOf("periods"), d);
  if (const Node* months = r.Get("months")) {
    if (!months->IsSequence()) {
      r.Error("months", fmt::format("expected a list of month overrides, found {}", months->Describe()));
      return;
    }
    const Section& sec = SectionAt("market.energy_price.months[]");
    for (std::size_t i = 0; i < months->items.size(); ++i) {
      const std::string p = fmt::format("{}[{}]", r.PathOf("months"), i);
      MapReader m(&months->items[i], p, sec, d);
      market::TouTable t;
      if (const Node* ml = m.Get("months")) {
        if (!ml->IsSequence() || ml->items.empty()) {
          m.Error("months", fmt::format("expected a list of months 1-12, found {}", ml->Describe()));
        } else {
          for (std::size_t j = 0; j < ml->items.size(); ++j) {
            const auto& it = ml->items[j];
            std::string e;
            const auto v = it.IsScalar() ? ParseNumber(it.scalar, &e) : std::nullopt;
            if (!v || *v != static_cast<int>(*v) || *v < 1 || *v > 12) {
              d->Add(it.mark, fmt::format("{}.months[{}]", p, j), fmt::format("expected a month number 1-12, found {}", it.Describe()));
            } else {
              t.months.push_back(static_cast<int>(*v));
            }
          }
        }
      }
      t.periods = ReadPeriods(m.Get("periods"), m.PathOf("periods"), d);
      sc->price.tou_config.overrides.push_back(std::move(t));
    }
  }
}

void ReadStorage(const MapReader& st, Scenario* sc, Diagnostics* d) {
  auto& cfg = sc->model.station;
  if (const Node* phases = st.Get("phases")) {
    if (!phases->IsSequence() || phases->items.empty()) {
      st.Error("phases", fmt::format("expected a non-empty list of phases, found {}", phases->Describe()));
    } else {
      const Section& sec = SectionAt("storage.phases[]");
      std::set<std::string> names;
      for (std::size_t i = 0; i < phases->items.size(); ++i) {
        MapReader r(&phases->items[i], fmt::format("{}[{}]", st.PathOf("phases"), i), sec, d);
        storage::PhaseConfig p;
        p.name = r.String("name").value_or(fmt::format("phase-{}", i + 1));
        if (r.Has("name") && !names.insert(p.name).second) {
          r.Error("name", fmt::format("expected a unique phase name, found \"{}\" again", p.name));
        }
        p.power_mw = r.Quantity("power").value_or(1.0);
        p.energy_mwh = r.Quantity("energy").value_or(1.0);
        p.aux_mw = r.Quantity("aux_power").value_or(0.0);
        if (const auto t = r.Time("in_service")) {
          p.in_service_unix_s = t->unix_s;
          // A phase commissioned after the run simply never takes part in it.
        }
        cfg.phases.push_back(p);
      }
    }
  }
  MapReader soc(st.Get("soc"), st.PathOf("soc"), SectionAt("storage.soc"), d);
  const auto smin = soc.Quantity("min"), smax = soc.Quantity("max"), sinit = soc.Quantity("initial");
  if (smin && smax && *smin >= *smax) {
    soc.Error("min", fmt::format("expected soc.min below soc.max ({:g} %), found {:g} %", *smax * 100, *smin * 100));
  } else if (smin && smax && sinit && (*sinit < *smin || *sinit > *smax)) {
    soc.Error("initial", fmt::format("expected a value within [soc.min, soc.max] = [{:g} %, {:g} %], found {:g} %", *smin * 100,
                                     *smax * 100, *sinit * 100));
  }
  cfg.soc_min = smin.value_or(0.05);
  cfg.soc_max = smax.value_or(0.95);
  cfg.soc_initial = sinit.value_or(0.5);
  MapReader eff(st.Get("efficiency"), st.PathOf("efficiency"), SectionAt("storage.efficiency"), d);
  cfg.eta_charge = eff.Quantity("charge").value_or(1.0);
  cfg.eta_discharge = eff.Quantity("discharge").value_or(1.0);
  cfg.self_discharge_per_day = st.Quantity("self_discharge").value_or(0.0);
  if (const auto ramp = st.Quantity("ramp_limit")) cfg.ramp_mw_per_min = *ramp;
}

void ReadDispatch(const MapReader& dr, Scenario* sc, Diagnostics* d) {
  auto& c = sc->dispatch;
  c.strategy = dr.String("strategy").value_or("idle");
  {
    MapReader r(dr.Get("schedule"), dr.PathOf("schedule"), SectionAt("dispatch.schedule"), d);
    if (const Node* w = r.Get("windows")) {
      if (!w->IsSequence() || w->items.empty()) {
        r.Error("windows", fmt::format("expected a non-empty list of windows, found {}", w->Describe()));
      } else {
        const Section& sec = SectionAt("dispatch.schedule.windows[]");
        std::vector<int> used(1440, -1);
        for (std::size_t i = 0; i < w->items.size(); ++i) {
          MapReader wr(&w->items[i], fmt::format("{}[{}]", r.PathOf("windows"), i), sec, d);
          dispatch::ScheduleWindow win;
          const auto hours = wr.ClockRange("hours");
          const auto action = wr.String("action");
          win.power_mw = wr.Quantity("power");
          if (!hours || !action) continue;
          win.start_s = hours->first;
          win.end_s = hours->second;
          win.charge = *action == "charge";
          for (int m = 0; m < 1440; ++m) {
            if (!dispatch::InClockWindow(m * 60, win.start_s, win.end_s)) continue;
            if (used[static_cast<std::size_t>(m)] >= 0) {
              wr.Error("hours", fmt::format("expected windows that do not overlap, found an overlap with windows[{}] at {:02}:{:02}",
                                            used[static_cast<std::size_t>(m)], m / 60, m % 60));
              break;
            }
            used[static_cast<std::size_t>(m)] = static_cast<int>(i);
          }
          c.schedule.windows.push_back(win);
        }
      }
    } else if (c.strategy == "schedule" && !r.present()) {
      dr.Error("schedule", "missing key \"schedule\" (required by strategy: schedule)");
    }
  }
  {
    MapReader r(dr.Get("price_threshold"), dr.PathOf("price_threshold"), SectionAt("dispatch.price_threshold"), d);
    if (r.present()) {
      const auto lo = r.Quantity("charge_below"), hi = r.Quantity("discharge_above");
      if (lo && hi && !(*lo < *hi)) {
        r.Error("discharge_above", fmt::format("expected a price above charge_below ({:g} yuan/MWh), found {:g} yuan/MWh", *lo, *hi));
      }
      c.price_threshold.charge_below_yuan_per_mwh = lo.value_or(0.0);
      c.price_threshold.discharge_above_yuan_per_mwh = hi.value_or(0.0);
      c.price_threshold.charge_power_mw = r.Quantity("charge_power");
      c.price_threshold.discharge_power_mw = r.Quantity("discharge_power");
    } else if (c.strategy == "price_threshold") {
      dr.Error("price_threshold", "missing key \"price_threshold\" (required by strategy: price_threshold)");
    }
  }
  {
    MapReader r(dr.Get("absorb_curtailment"), dr.PathOf("absorb_curtailment"), SectionAt("dispatch.absorb_curtailment"), d);
    auto& a = c.absorb_curtailment;
    const Node* win = r.Get("discharge_window");
    if (win && win->IsScalar() && win->scalar == "none") {
      // explicitly no window
    } else if (!win) {
      a.discharge_start_s = 18 * 3600;
      a.discharge_end_s = 22 * 3600;
    } else if (const auto w = r.ClockRange("discharge_window")) {
      a.discharge_start_s = w->first;
      a.discharge_end_s = w->second;
    }
    a.discharge_above_yuan_per_mwh = r.Quantity("discharge_above");
    a.charge_below_yuan_per_mwh = r.Quantity("charge_below");
    a.discharge_power_mw = r.Quantity("discharge_power");
  }
}

}  // namespace

Scenario LoadScenario(const std::string& path, const LoadOptions& options) {
  SourceSet sources;
  Diagnostics d;
  std::optional<Node> doc = LoadDocument(path, &sources, &d);
  if (!doc) {
    d.ThrowIfAny(sources);
    throw ScenarioError({}, "cannot load " + path);
  }
  int ordinal = 0;
  for (const auto& s : options.sets) ApplySet(&*doc, s, ++ordinal, &sources, &d);
  if (options.strategy) ApplySet(&*doc, "dispatch.strategy=" + *options.strategy, ++ordinal, &sources, &d);

  Scenario sc;
  sc.file = path;
  MapReader top(&*doc, "", SectionAt(""), &d);
  sc.name = top.String("name").value_or("scenario");
  sc.description = top.String("description").value_or("");

  // Time.
  MapReader tr(top.Get("time"), "time", SectionAt("time"), &d);
  {
    const auto start = tr.Time("start");
    const auto end = tr.Time("end");
    const auto dur = tr.Quantity("duration");
    const auto step = tr.Quantity("step");
    const bool has_end = tr.Has("end"), has_dur = tr.Has("duration");
    if (tr.present() && has_end && has_dur) tr.Error("duration", "expected either \"end\" or \"duration\", found both");
    if (tr.present() && !has_end && !has_dur) tr.Error("end", "missing key \"end\" (or \"duration\")");
    if (step && *step != static_cast<double>(static_cast<std::int64_t>(*step))) {
      tr.Error("step", fmt::format("expected a whole number of seconds, found \"{}\"", tr.Get("step")->scalar));
    } else if (start && step && (end || dur) && !(has_end && has_dur)) {
      const std::int64_t step_s = static_cast<std::int64_t>(*step);
      const std::int64_t end_s = end ? end->unix_s : start->unix_s + static_cast<std::int64_t>(*dur);
      if (dur && *dur != std::floor(*dur)) {
        tr.Error("duration", "expected a whole number of seconds");
      } else if (end_s <= start->unix_s) {
        tr.Error(end ? "end" : "duration", fmt::format("expected an end after the start ({}), found \"{}\"", tr.Get("start")->scalar,
                                                        tr.Get(end ? "end" : "duration")->scalar));
      } else if ((end_s - start->unix_s) % step_s != 0) {
        tr.Error("step", fmt::format("expected a step that divides the period ({} s), found {} s (remainder {} s)",
                                     end_s - start->unix_s, step_s, (end_s - start->unix_s) % step_s));
      } else {
        sc.axis.start_unix_s = start->unix_s;
        sc.axis.step_s = static_cast<std::int32_t>(step_s);
        sc.axis.count = (end_s - start->unix_s) / step_s;
        sc.axis.utc_offset_s = start->offset_s;
      }
    }
  }

  // Site.
  if (top.Has("site")) {
    MapReader sr(top.Get("site"), "site", SectionAt("site"), &d);
    sc.has_site = true;
    sc.latitude_deg = sr.Quantity("latitude").value_or(0.0);
    sc.longitude_deg = sr.Quantity("longitude").value_or(0.0);
    sc.altitude_m = sr.Quantity("altitude").value_or(0.0);
  }

  // PV.
  {
    MapReader pr(top.Get("pv"), "pv", SectionAt("pv"), &d);
    const auto source = pr.String("source");
    sc.pv_profile.rated_mw = pr.Quantity("rated");
    sc.pv_profile.scale_to_mw = pr.Quantity("scale_to");
    if (sc.pv_profile.scale_to_mw && !pr.Has("rated")) {
      pr.Error("scale_to", "expected \"rated\" too (the capacity the profile represents), found scale_to alone");
    }
    if (source && *source == "csv") {
      if (const auto p = pr.String("path")) {
        sc.pv.kind = SeriesSpec::Kind::kCsv;
        sc.pv.path = Resolve(pr.MarkOf("path"), *p);
        sc.pv.column = pr.String("column").value_or("pv_mw");
        sc.pv.mark = pr.MarkOf("path");
        sc.pv.key_path = "pv.path";
      } else {
        pr.Error("path", "missing key \"path\" (required with source: csv)");
      }
    } else if (source && pr.Has("path")) {
      pr.Error("path", "expected no \"path\" with source: none (set source: csv)");
    }
  }

  sc.load = ReadSeries(top, "load", "load");

  // Storage.
  MapReader st(top.Get("storage"), "storage", SectionAt("storage"), &d);
  ReadStorage(st, &sc, &d);

  // Grid.
  {
    MapReader gr(top.Get("grid"), "grid", SectionAt("grid"), &d);
    sc.export_limit = ReadSeries(gr, "export_limit", "grid.export_limit");
    sc.import_limit = ReadSeries(gr, "import_limit", "grid.import_limit");
    sc.model.grid.allow_grid_charging = gr.Bool("allow_grid_charging").value_or(true);
  }

  // Market.
  {
    MapReader mr(top.Get("market"), "market", SectionAt("market"), &d);
    ReadPrice(mr, &sc, &d);
    if (mr.Has("capacity_compensation")) {
      MapReader cr(mr.Get("capacity_compensation"), "market.capacity_compensation", SectionAt("market.capacity_compensation"), &d);
      sc.model.capacity.price_yuan_per_kw_yr = cr.Quantity("price").value_or(0.0);
      if (const Node* f = cr.Get("factors")) {
        if (!f->IsSequence()) {
          cr.Error("factors", fmt::format("expected a list of fractions, found {}", f->Describe()));
        } else {
          Field ff{.name = "factors", .type = FieldType::kRatio, .lo = 0, .hi = 1, .lo_open = true};
          for (std::size_t i = 0; i < f->items.size(); ++i) {
            const auto v = ParseFieldQuantity(f->items[i], ff, fmt::format("{}[{}]", cr.PathOf("factors"), i), &d);
            if (v) sc.model.capacity.factors.push_back(*v);
          }
        }
      }
    }
  }

  // Dispatch.
  MapReader dr(top.Get("dispatch"), "dispatch", SectionAt("dispatch"), &d);
  ReadDispatch(dr, &sc, &d);

  // Output.
  {
    MapReader orr(top.Get("output"), "output", SectionAt("output"), &d);
    sc.output_dir = orr.String("dir").value_or("out/" + sc.name);
    sc.write_timeseries = orr.Bool("timeseries").value_or(true);
  }

  d.ThrowIfAny(sources);
  return sc;
}

engine::Inputs BuildInputs(const Scenario& sc) {
  SourceSet sources;
  Diagnostics d;
  engine::Inputs in;
  in.axis = sc.axis;
  const Eigen::Index n = sc.axis.count;
  auto build = [&](const SeriesSpec& s, double absent, double lo) -> Series {
    switch (s.kind) {
      case SeriesSpec::Kind::kAbsent: return Series::Constant(n, absent);
      case SeriesSpec::Kind::kConstant: return Series::Constant(n, s.value);
      case SeriesSpec::Kind::kCsv: {
        auto v = ReadCsvSeries(CsvRequest{s.path, s.column, lo, s.mark, s.key_path}, sc.axis, &sources, &d);
        return v ? *v : Series::Zero(n);
      }
    }
    return Series::Zero(n);
  };
  const double inf = std::numeric_limits<double>::infinity();
  in.pv_mw = pv::ScaleProfile(build(sc.pv, 0.0, 0.0), sc.pv_profile);
  in.load_mw = build(sc.load, 0.0, 0.0);
  in.export_limit_mw = build(sc.export_limit, inf, 0.0);
  in.import_limit_mw = build(sc.import_limit, inf, 0.0);
  if (sc.price.tou) {
    in.price_yuan_per_mwh = market::TouPrices(sc.price.tou_config, sc.axis);
  } else {
    in.price_yuan_per_mwh = build(sc.price.series, 0.0, -1e300);
  }
  market::ClampPrices(&in.price_yuan_per_mwh, sc.price.floor_yuan_per_mwh, sc.price.cap_yuan_per_mwh);
  d.ThrowIfAny(sources);
  return in;
}

}  // namespace essim::io
