#include "sim/io/scenario.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <filesystem>
#include <array>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sim/io/csv.h"
#include <memory>
#include "sim/io/reader.h"
#include "sim/io/schema.h"
#include "sim/io/yaml_loader.h"
#include "sim/pv/irradiance.h"

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
    s.repeat_yearly = r.Bool("repeat_yearly").value_or(false);
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
  sc->price.escalation_per_year = market.Quantity("escalation").value_or(0.0) * 365.2425;
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
    s.repeat_yearly = r.Bool("repeat_yearly").value_or(false);
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

// Reads each mapping of a list key against its section.
template <typename F>
void ForEachItem(const MapReader& parent, std::string_view key, std::string_view section, Diagnostics* d, F f) {
  const Node* list = parent.Get(key);
  if (!list) return;
  if (!list->IsSequence()) {
    parent.Error(key, fmt::format("expected a list, found {}", list->Describe()));
    return;
  }
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    MapReader r(&list->items[i], fmt::format("{}[{}]", parent.PathOf(key), i), SectionAt(section), d);
    if (r.present()) f(r);
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
        ForEachItem(r, "outages", "storage.phases[].outages[]", d, [&](const MapReader& o) {
          const auto start = o.Time("start"), end = o.Time("end");
          if (start && end && end->unix_s <= start->unix_s) o.Error("end", fmt::format("expected an end after the start, found \"{}\"", o.Get("end")->scalar));
          if (start && end) p.outages.push_back({start->unix_s, end->unix_s, o.Quantity("fraction").value_or(1.0)});
        });
        ForEachItem(r, "augmentation", "storage.phases[].augmentation[]", d, [&](const MapReader& o) {
          const auto at = o.Time("at");
          const auto e = o.Quantity("energy");
          if (at && e) p.augmentations.push_back({at->unix_s, *e});
        });
        std::stable_sort(p.augmentations.begin(), p.augmentations.end(), [](const auto& a, const auto& b) { return a.at_unix_s < b.at_unix_s; });
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

  if (st.Has("conversion")) {
    MapReader cr(st.Get("conversion"), st.PathOf("conversion"), SectionAt("storage.conversion"), d);
    auto& cc = cfg.conversion;
    cc.detailed = true;
    cc.pcs_efficiency = cr.Quantity("pcs_efficiency").value_or(0.98);
    cc.battery_efficiency = cr.Quantity("battery_efficiency").value_or(0.985);
    cc.battery_loss_at_rated = cr.Quantity("battery_loss_at_rated").value_or(0.0);
    ForEachItem(cr, "pcs_curve", "storage.conversion.pcs_curve[]", d, [&](const MapReader& pt) {
      const auto load = pt.Quantity("load"), eta = pt.Quantity("efficiency");
      if (!load || !eta) return;
      if (!cc.pcs.load_fraction.empty() && *load <= cc.pcs.load_fraction.back()) {
        pt.Error("load", fmt::format("expected a load above the previous point ({:g} %), found {:g} %", cc.pcs.load_fraction.back() * 100, *load * 100));
        return;
      }
      cc.pcs.load_fraction.push_back(*load);
      cc.pcs.efficiency.push_back(*eta);
    });
    auto transformer = [&](const char* key, storage::TransformerConfig* t, double no_load, double load_loss) {
      MapReader tr(cr.Get(key), cr.PathOf(key), SectionAt("storage.conversion.*_transformer"), d);
      t->rating_fraction = tr.Quantity("rating").value_or(1.0);
      t->no_load_fraction = tr.Quantity("no_load").value_or(no_load);
      t->load_fraction = tr.Quantity("load_loss").value_or(load_loss);
    };
    transformer("skid_transformer", &cc.skid, 0.001, 0.009);
    transformer("main_transformer", &cc.main, 0.0003, 0.002);
  }
  if (st.Has("auxiliary")) {
    MapReader ar(st.Get("auxiliary"), st.PathOf("auxiliary"), SectionAt("storage.auxiliary"), d);
    auto& a = cfg.aux;
    a.cool_above_c = ar.Quantity("cool_above").value_or(25.0);
    a.heat_below_c = ar.Quantity("heat_below").value_or(10.0);
    if (a.heat_below_c > a.cool_above_c) {
      ar.Error("heat_below", fmt::format("expected a temperature <= cool_above ({:g} degC), found {:g} degC", a.cool_above_c, a.heat_below_c));
    }
    a.cooling_per_c = ar.Quantity("cooling").value_or(0.0);
    a.heating_per_c = ar.Quantity("heating").value_or(0.0);
    a.throughput_fraction = ar.Quantity("throughput").value_or(0.0);
    sc->ambient_c = ar.Quantity("ambient").value_or(20.0);
  }
  if (st.Has("ageing")) {
    MapReader ag(st.Get("ageing"), st.PathOf("ageing"), SectionAt("storage.ageing"), d);
    auto& a = cfg.ageing;
    a.enabled = true;
    if (ag.Has("cycle_life")) {
      a.dod.clear();
      a.cycles.clear();
      ForEachItem(ag, "cycle_life", "storage.ageing.cycle_life[]", d, [&](const MapReader& pt) {
        const auto depth = pt.Quantity("depth"), n = pt.Quantity("cycles");
        if (!depth || !n) return;
        if (!a.dod.empty() && *depth <= a.dod.back()) {
          pt.Error("depth", fmt::format("expected a depth above the previous point ({:g} %), found {:g} %", a.dod.back() * 100, *depth * 100));
          return;
        }
        a.dod.push_back(*depth);
        a.cycles.push_back(*n);
      });
      if (a.dod.empty()) ag.Error("cycle_life", "expected at least one {depth, cycles} point, found none");
    }
    a.table_fade = ag.Quantity("table_fade").value_or(0.2);
    a.calendar_a = ag.Quantity("calendar_a").value_or(2.66e-3);
    a.calendar_b = ag.Quantity("calendar_b").value_or(-7280.0);
    a.calendar_c = ag.Quantity("calendar_c").value_or(930.0);
    a.end_of_life_soh = ag.Quantity("end_of_life").value_or(0.7);
    cfg.augment_below_soh = ag.Quantity("augment_below").value_or(0.0);
    cfg.augment_to_soh = ag.Quantity("augment_to").value_or(1.0);
    if (cfg.augment_below_soh > 0.0 && cfg.augment_to_soh <= cfg.augment_below_soh) {
      ag.Error("augment_to", fmt::format("expected a target above augment_below ({:g} %), found {:g} %", cfg.augment_below_soh * 100, cfg.augment_to_soh * 100));
    }
  }
  if (st.Has("forced_outages")) {
    MapReader fr(st.Get("forced_outages"), st.PathOf("forced_outages"), SectionAt("storage.forced_outages"), d);
    auto& f = cfg.forced_outages;
    f.unit_mw = fr.Quantity("unit_power").value_or(0.0);
    f.mtbf_h = fr.Quantity("mtbf").value_or(0.0) / 3600.0;
    f.mttr_h = fr.Quantity("mttr").value_or(0.0) / 3600.0;
    f.seed = static_cast<std::uint64_t>(fr.Quantity("seed").value_or(1.0));
  }
}

void ReadDispatch(const MapReader& dr, Scenario* sc, Diagnostics* d, SourceSet& sources) {
  auto& c = sc->dispatch;
  c.strategy = dr.String("strategy").value_or("idle");
  {
    MapReader r(dr.Get("optimal"), dr.PathOf("optimal"), SectionAt("dispatch.optimal"), d);
    auto& o = sc->optimal;
    o.wear_cost_yuan_per_mwh = r.Quantity("wear_cost").value_or(0.0);
    o.curtailment_penalty_yuan_per_mwh = r.Quantity("curtailment_penalty").value_or(0.0);
    o.terminal_soc = r.Quantity("terminal_soc");
    o.max_cycles_per_day = r.Quantity("max_cycles_per_day");
    if (const auto w = r.Quantity("window")) o.window_s = static_cast<std::int64_t>(*w);
    o.power_quadratic_yuan_per_mw2h = r.Quantity("power_cost").value_or(0.0);
    o.planned_outages_known = r.Bool("planned_outages_known").value_or(false);
  }
  {
    MapReader r(dr.Get("rolling_horizon"), dr.PathOf("rolling_horizon"), SectionAt("dispatch.rolling_horizon"), d);
    auto& rh = sc->rolling;
    rh.horizon_s = static_cast<std::int64_t>(r.Quantity("horizon").value_or(48 * 3600.0));
    rh.replan_s = static_cast<std::int64_t>(r.Quantity("replan_every").value_or(3600.0));
    rh.commit_s = static_cast<std::int64_t>(r.Quantity("commit").value_or(static_cast<double>(rh.replan_s)));
    rh.tolerance = r.Quantity("tolerance").value_or(1e-8);
    if (r.Has("commit") && rh.commit_s < rh.replan_s) {
      r.Error("commit", fmt::format("expected at least replan_every ({} s): each plan runs until the next replan, found {} s", rh.replan_s, rh.commit_s));
    } else if (r.Has("commit") && rh.commit_s > rh.horizon_s) {
      r.Error("commit", fmt::format("expected at most horizon ({} s), found {} s", rh.horizon_s, rh.commit_s));
    }
    rh.optimal.terminal_soc = r.Quantity("terminal_soc");
    rh.optimal.terminal_value_yuan_per_mwh = r.Quantity("terminal_value");
    rh.optimal.wear_cost_yuan_per_mwh = r.Quantity("wear_cost").value_or(0.0);
    rh.optimal.curtailment_penalty_yuan_per_mwh = r.Quantity("curtailment_penalty").value_or(0.0);
    rh.optimal.planned_outages_known = r.Bool("planned_outages_known").value_or(false);
    if (r.Has("terminal_soc") && r.Has("terminal_value")) {
      r.Error("terminal_value", "expected either terminal_soc or terminal_value, found both");
    }
    struct Input {
      const char* key;
      dispatch::ForecastConfig* cfg;
      double lo, hi;
    };
    // Price forecasts stay within the market's floor and cap, as the prices do, where
    // escalation cannot take the prices past them (a floor ≥ 0 growing, a cap ≥ 0 falling).
    const double esc = sc->price.escalation_per_year;
    const auto& floor = sc->price.floor_yuan_per_mwh;
    const auto& cap = sc->price.cap_yuan_per_mwh;
    const double price_lo = floor && (esc == 0.0 || (esc > 0.0) == (*floor >= 0.0)) ? *floor : -1e300;
    const double price_hi = cap && (esc == 0.0 || (esc < 0.0) == (*cap >= 0.0)) ? *cap : 1e300;
    for (const Input& in : {Input{"pv_forecast", &rh.pv, 0.0, 1e300}, Input{"load_forecast", &rh.load, 0.0, 1e300},
                            Input{"price_forecast", &rh.price, price_lo, price_hi}}) {
      MapReader f(r.Get(in.key), r.PathOf(in.key), SectionAt("dispatch.rolling_horizon.*_forecast"), d);
      const std::string model = f.String("model").value_or("perfect");
      if (model == "csv") {
        const auto path = f.String("path");
        if (!path) {
          f.Error("path", "missing key \"path\" (required with model: csv)");
        } else {
          const std::string dflt = std::string(in.key) == "pv_forecast" ? "pv_mw" : (std::string(in.key) == "load_forecast" ? "load_mw" : "price_yuan_per_mwh");
          auto issued = ReadIssuedForecasts(Resolve(f.MarkOf("path"), *path), f.String("column").value_or(dflt), f.MarkOf("path"),
                                            f.PathOf("path"), &sources, d);
          if (issued) in.cfg->issued = std::make_shared<const dispatch::IssuedForecasts>(std::move(*issued));
        }
      } else if (f.Has("path") || f.Has("column")) {
        f.Error(f.Has("path") ? "path" : "column", "expected no path or column unless model: csv");
      }
      in.cfg->kind = model == "csv" ? dispatch::ForecastKind::kIssued
                     : model == "noisy" ? dispatch::ForecastKind::kNoisy
                     : model == "persistence_day" ? dispatch::ForecastKind::kPersistenceDay
                     : model == "persistence_week" ? dispatch::ForecastKind::kPersistenceWeek
                                                   : dispatch::ForecastKind::kPerfect;
      in.cfg->sigma_1h = f.Quantity("sigma_1h").value_or(0.05);
      in.cfg->sigma_24h = f.Quantity("sigma_24h").value_or(0.20);
      in.cfg->correlation_h = f.Quantity("correlation").value_or(6 * 3600.0) / 3600.0;
      in.cfg->seed = static_cast<std::uint64_t>(f.Quantity("seed").value_or(1.0));
      in.cfg->lo = in.lo;
      in.cfg->hi = in.hi;
    }
  }
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


// A list of 12 monthly values (or one value for every month when `scalar_ok`).
std::optional<std::array<double, 12>> ReadMonthly(const Node* n, const std::string& path, const Field& item,
                                                  bool scalar_ok, Diagnostics* d) {
  if (!n) return std::nullopt;
  std::array<double, 12> out{};
  if (n->IsScalar() && scalar_ok) {
    const auto v = ParseFieldQuantity(*n, item, path, d);
    if (!v) return std::nullopt;
    out.fill(*v);
    return out;
  }
  if (!n->IsSequence() || n->items.size() != 12) {
    d->Add(n->mark, path, fmt::format("expected {}12 monthly values (January to December), found {}",
                                      scalar_ok ? "one value or " : "", n->Describe()));
    return std::nullopt;
  }
  bool ok = true;
  for (std::size_t i = 0; i < 12; ++i) {
    const auto v = ParseFieldQuantity(n->items[i], item, fmt::format("{}[{}]", path, i), d);
    if (v) out[i] = *v;
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

void ReadWeather(const MapReader& top, Scenario* sc, Diagnostics* d) {
  MapReader wr(top.Get("weather"), "weather", SectionAt("weather"), d);
  auto& w = sc->weather;
  const auto source = wr.String("source");
  w.csv = source && *source == "csv";
  if (w.csv) {
    if (const auto p = wr.String("path")) {
      w.path = Resolve(wr.MarkOf("path"), *p);
      w.mark = wr.MarkOf("path");
      w.key_path = "weather.path";
      w.repeat_yearly = wr.Bool("repeat_yearly").value_or(false);
    } else {
      wr.Error("path", "missing key \"path\" (required with source: csv)");
    }
  }
  w.sun_at = wr.String("solar_position_at").value_or("midpoint") == "instant" ? pv::SunAt::kInstant : pv::SunAt::kMidpoint;
  auto& syn = w.synthetic;
  syn.seed = static_cast<std::uint64_t>(wr.Quantity("seed").value_or(7.0));
  const Field tl{.name = "linke_turbidity", .type = FieldType::kNumber, .lo = 1.0, .hi = 10.0};
  const Field temp{.name = "temperature", .type = FieldType::kQuantity, .dim = Dim::kTemperature, .lo = -60.0, .hi = 60.0};
  const Field range{.name = "temperature_range", .type = FieldType::kQuantity, .dim = Dim::kTemperature, .lo = 0.0, .hi = 40.0};
  if (auto v = ReadMonthly(wr.Get("linke_turbidity"), wr.PathOf("linke_turbidity"), tl, false, d)) syn.linke_turbidity = *v;
  if (auto v = ReadMonthly(wr.Get("temperature_mean"), wr.PathOf("temperature_mean"), temp, false, d)) syn.temp_mean_c = *v;
  if (auto v = ReadMonthly(wr.Get("temperature_range"), wr.PathOf("temperature_range"), range, false, d)) syn.temp_range_c = *v;
  syn.wind_mean_m_s = wr.Quantity("wind_speed").value_or(syn.wind_mean_m_s);
  syn.p_clear_stays_clear = wr.Quantity("clear_day_persistence").value_or(syn.p_clear_stays_clear);
  syn.p_cloudy_stays_cloudy = wr.Quantity("cloudy_day_persistence").value_or(syn.p_cloudy_stays_cloudy);
}

void ReadPlants(const MapReader& pr, Scenario* sc, Diagnostics* d) {
  const Node* list = pr.Get("plants");
  if (!list) {
    pr.Error("plants", "missing key \"plants\" (required with source: plants)");
    return;
  }
  if (!list->IsSequence() || list->items.empty()) {
    pr.Error("plants", fmt::format("expected a non-empty list of plants, found {}", list->Describe()));
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    const std::string path = fmt::format("pv.plants[{}]", i);
    MapReader r(&list->items[i], path, SectionAt("pv.plants[]"), d);
    pv::PlantConfig p;
    p.name = r.String("name").value_or(fmt::format("plant-{}", i + 1));
    if (r.Has("name") && !names.insert(p.name).second) r.Error("name", fmt::format("expected a unique plant name, found \"{}\" again", p.name));
    p.dc_capacity_mw = r.Quantity("dc_capacity").value_or(1.0);
    p.dc_ac_ratio = r.Quantity("dc_ac_ratio").value_or(1.25);
    MapReader m(r.Get("mounting"), r.PathOf("mounting"), SectionAt("pv.plants[].mounting"), d);
    p.mounting = m.String("type").value_or("fixed") == "single_axis" ? pv::Mounting::kSingleAxis : pv::Mounting::kFixed;
    p.tilt_deg = m.Quantity("tilt").value_or(35.0);
    p.azimuth_deg = m.Quantity("azimuth").value_or(180.0);
    p.axis_tilt_deg = m.Quantity("axis_tilt").value_or(0.0);
    p.axis_azimuth_deg = m.Quantity("axis_azimuth").value_or(180.0);
    p.max_angle_deg = m.Quantity("max_angle").value_or(60.0);
    p.backtrack = m.Bool("backtrack").value_or(true);
    p.gcr = m.Quantity("gcr").value_or(0.35);
    const std::string sky = r.String("sky_model").value_or("perez");
    p.sky = sky == "haydavies" ? pv::SkyModel::kHayDavies : (sky == "isotropic" ? pv::SkyModel::kIsotropic : pv::SkyModel::kPerez);
    p.albedo = r.Quantity("albedo").value_or(0.25);
    const std::string iam = r.String("iam").value_or("ashrae");
    p.iam = iam == "physical" ? pv::IamModel::kPhysical : (iam == "none" ? pv::IamModel::kNone : pv::IamModel::kAshrae);
    p.temp_model = r.String("temperature_model").value_or("sapm") == "faiman" ? pv::TempModel::kFaiman : pv::TempModel::kSapm;
    p.sapm = pv::SapmParameterSet(r.String("sapm_parameters").value_or("open_rack_glass_glass"));
    p.faiman_u0 = r.Quantity("faiman_u0").value_or(25.0);
    p.faiman_u1 = r.Quantity("faiman_u1").value_or(6.84);
    p.gamma_per_c = r.Quantity("temperature_coefficient").value_or(-0.0035);
    p.inverter_eta_nom = r.Quantity("inverter_efficiency").value_or(0.96);
    MapReader l(r.Get("losses"), r.PathOf("losses"), SectionAt("pv.plants[].losses"), d);
    const Field soil{.name = "soiling", .type = FieldType::kRatio, .lo = 0, .hi = 1, .hi_open = true};
    if (const Node* sn = l.Get("soiling")) {
      if (auto v = ReadMonthly(sn, l.PathOf("soiling"), soil, true, d)) p.soiling = *v;
    } else {
      p.soiling.fill(0.02);
    }
    p.mismatch = l.Quantity("mismatch").value_or(0.02);
    p.wiring = l.Quantity("wiring").value_or(0.02);
    p.availability = l.Quantity("availability").value_or(0.0);
    p.other = l.Quantity("other").value_or(0.0);
    p.degradation_per_year = r.Quantity("degradation").value_or(0.005 / 365.2425) * 365.2425;
    if (const auto t = r.Time("commissioned")) p.commissioned_unix_s = t->unix_s;
    sc->plants.push_back(p);
  }
}

}  // namespace

ScenarioDocument LoadScenarioDocument(const std::string& path) {
  ScenarioDocument out;
  out.path = path;
  Diagnostics d;
  std::optional<Node> doc = LoadDocument(path, &out.sources, &d);
  d.ThrowIfAny(out.sources);
  if (!doc) throw ScenarioError({}, "cannot load " + path);
  out.root = std::move(*doc);
  return out;
}

Scenario LoadScenario(const std::string& path, const LoadOptions& options) {
  return ReadScenario(LoadScenarioDocument(path), options);
}

Scenario ReadScenario(const ScenarioDocument& document, const LoadOptions& options, Node* merged) {
  const std::string& path = document.path;
  SourceSet sources = document.sources;
  Diagnostics d;
  std::optional<Node> doc = document.root;
  for (const auto& m : options.marked_sets) SetAtPath(&*doc, m.key, m.key_mark, m.value, &d);
  int ordinal = 0;
  for (const auto& s : options.sets) ApplySet(&*doc, s, ++ordinal, &sources, &d);
  if (options.strategy) ApplySet(&*doc, "dispatch.strategy=" + *options.strategy, ++ordinal, &sources, &d);
  if (merged) *merged = *doc;

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
    const std::string src = source.value_or("none");
    for (const char* k : {"path", "column", "rated", "scale_to"}) {
      if (src != "csv" && pr.Has(k)) pr.Error(k, fmt::format("expected no \"{}\" with source: {} (it belongs to source: csv)", k, src));
    }
    if (src != "plants" && pr.Has("plants")) pr.Error("plants", fmt::format("expected no \"plants\" with source: {} (set source: plants)", src));
    if (src == "csv") {
      if (const auto p = pr.String("path")) {
        sc.pv.kind = SeriesSpec::Kind::kCsv;
        sc.pv.path = Resolve(pr.MarkOf("path"), *p);
        sc.pv.column = pr.String("column").value_or("pv_mw");
        sc.pv.mark = pr.MarkOf("path");
        sc.pv.key_path = "pv.path";
        sc.pv.repeat_yearly = pr.Bool("repeat_yearly").value_or(false);
      } else {
        pr.Error("path", "missing key \"path\" (required with source: csv)");
      }
    } else if (src == "plants") {
      sc.pv_plants = true;
      ReadPlants(pr, &sc, &d);
      if (!top.Has("site")) top.Error("site", "missing key \"site\" (weather-driven PV needs the latitude and longitude)");
    }
  }
  ReadWeather(top, &sc, &d);

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
  ReadDispatch(dr, &sc, &d, sources);

  // Output.
  {
    MapReader orr(top.Get("output"), "output", SectionAt("output"), &d);
    sc.output_dir = orr.String("dir").value_or("out/" + sc.name);
    sc.write_timeseries = orr.Bool("timeseries").value_or(true);
    sc.pv_detail = orr.Bool("pv_detail").value_or(false);
    if (sc.pv_detail && !sc.pv_plants) orr.Error("pv_detail", "expected pv.source: plants for PV detail, found no weather-driven plants");
  }

  // Compare.
  {
    MapReader cr(top.Get("compare"), "compare", SectionAt("compare"), &d);
    if (const Node* l = cr.Get("strategies")) {
      if (!l->IsSequence()) cr.Error("strategies", fmt::format("expected a list of names, found {}", l->Describe()));
      else for (const auto& it : l->items) if (it.IsScalar()) sc.compare_strategies.push_back(it.scalar);
    }
    if (const Node* l = cr.Get("variants")) {
      if (!l->IsSequence()) {
        cr.Error("variants", fmt::format("expected a list of variants, found {}", l->Describe()));
      } else {
        for (std::size_t i = 0; i < l->items.size(); ++i) {
          const Node& v = l->items[i];
          const std::string path = fmt::format("compare.variants[{}]", i);
          const Node* name = v.IsMap() ? v.Find("name") : nullptr;
          const Node* set = v.IsMap() ? v.Find("set") : nullptr;
          if (!name || !name->IsScalar() || !set || !set->IsSequence()) {
            d.Add(v.mark, path, "expected {name: NAME, set: [\"dispatch.KEY=VALUE\", ...]}");
            continue;
          }
          CompareVariant cv{name->scalar, {}};
          for (std::size_t j = 0; j < set->items.size(); ++j) {
            const Node& item = set->items[j];
            if (!item.IsScalar() || item.scalar.rfind("dispatch.", 0) != 0 || item.scalar.find('=') == std::string::npos) {
              d.Add(item.mark, fmt::format("{}.set[{}]", path, j),
                    fmt::format("expected \"dispatch.KEY=VALUE\" (variants change dispatch only, so all share the inputs), found {}", item.Describe()));
              continue;
            }
            cv.sets.push_back(item.scalar);
          }
          sc.compare_variants.push_back(std::move(cv));
        }
      }
    }
  }

  d.ThrowIfAny(sources);
  return sc;
}

namespace {

// Weather from CSV: irradiance held at a coarser step is shaped within each interval by
// the clear-sky profile (clear-sky index held, interval mean kept); temperature and wind held.
std::optional<pv::Weather> ReadWeatherCsv(const Scenario& sc, const pv::SunTerms& sun, const pv::SpaSite& site,
                                          SourceSet* sources, Diagnostics* d) {
  const std::vector<std::string> cols{"ghi_w_m2", "temp_air_c", "wind_speed_m_s", "dni_w_m2", "dhi_w_m2"};
  auto table = ReadCsvTable(sc.weather.path, cols, 3, -1e300, sc.weather.mark, sc.weather.key_path, sc.axis, sources, d);
  if (!table) return std::nullopt;
  const std::int64_t step = table->step_s;
  if (step < sc.axis.step_s) {
    d->Add(SourceMark{sc.weather.path, table->rows.front(), 1}, sc.weather.key_path,
           fmt::format("expected a weather step equal to the run step ({} s) or a multiple of it, found {} s", sc.axis.step_s, step));
    return std::nullopt;
  }
  // Physical bounds, row by row.
  const std::size_t before = d->size();
  for (std::size_t i = 0; i < table->times.size(); ++i) {
    const int row = table->rows[i];
    auto bad = [&](const std::string& what) { d->Add(SourceMark{sc.weather.path, row, 1}, sc.weather.key_path, what); };
    for (std::size_t c : {0u, 3u, 4u}) {
      const double v = table->columns[c][i];
      if (table->present[c] && v < 0.0) bad(fmt::format("{}: expected irradiance >= 0 W/m², found {:g}", cols[c], v));
    }
    if (table->columns[1][i] < -80.0 || table->columns[1][i] > 70.0) bad(fmt::format("temp_air_c: expected -80 to 70 °C, found {:g}", table->columns[1][i]));
    if (table->columns[2][i] < 0.0) bad(fmt::format("wind_speed_m_s: expected >= 0 m/s, found {:g}", table->columns[2][i]));
  }
  if (d->size() > before) return std::nullopt;
  if (table->present[3] != table->present[4]) {
    d->Add(SourceMark{sc.weather.path, 1, 1}, sc.weather.key_path, "expected both dni_w_m2 and dhi_w_m2, or neither (then Erbs decomposition is used)");
    return std::nullopt;
  }
  pv::Weather w;
  w.temp_air_c = AlignColumn(*table, 1, sc.axis);
  w.wind_speed_m_s = AlignColumn(*table, 2, sc.axis);
  const bool has_components = table->present[3];
  const Eigen::Index n = sc.axis.count;
  w.ghi_w_m2 = AlignColumn(*table, 0, sc.axis);
  w.dni_w_m2 = has_components ? AlignColumn(*table, 3, sc.axis) : Series::Constant(n, std::nan(""));
  w.dhi_w_m2 = has_components ? AlignColumn(*table, 4, sc.axis) : Series::Constant(n, std::nan(""));
  if (step > sc.axis.step_s) {
    const double pressure = pv::AltitudeToPressure(site.elevation_m);
    const std::int64_t per = step / sc.axis.step_s;
    std::vector<pv::ClearSky> cs(static_cast<std::size_t>(n));
    for (Eigen::Index k = 0; k < n; ++k) {
      const int month = sc.axis.LocalMonth(k);
      const double am_abs = sun.airmass_relative[k] * pressure / 101325.0;
      cs[static_cast<std::size_t>(k)] = pv::IneichenPerez(sun.apparent_zenith_deg[k], am_abs,
                                                          sc.weather.synthetic.linke_turbidity[static_cast<std::size_t>(month - 1)],
                                                          site.elevation_m, sun.dni_extra_w_m2[k]);
    }
    for (Eigen::Index k0 = 0; k0 < n;) {
      // The run steps inside one weather interval.
      const std::int64_t interval = (sc.axis.TimeAt(k0) - table->times.front()) / step;
      Eigen::Index k1 = k0;
      while (k1 < n && (sc.axis.TimeAt(k1) - table->times.front()) / step == interval) ++k1;
      auto shape = [&](Series* s, double pv::ClearSky::*field) {
        double mean = 0.0;
        for (Eigen::Index k = k0; k < k1; ++k) mean += cs[static_cast<std::size_t>(k)].*field;
        mean /= static_cast<double>(per);
        if (mean <= 1e-9) return;  // no clear-sky shape (night, sunrise edge): keep the held value
        for (Eigen::Index k = k0; k < k1; ++k) (*s)[k] *= cs[static_cast<std::size_t>(k)].*field / mean;
      };
      shape(&w.ghi_w_m2, &pv::ClearSky::ghi);
      if (has_components) {
        shape(&w.dni_w_m2, &pv::ClearSky::dni);
        shape(&w.dhi_w_m2, &pv::ClearSky::dhi);
      }
      k0 = k1;
    }
  }
  if (!has_components) pv::DecomposeMissing(&w, sun);
  return w;
}

}  // namespace

engine::Inputs BuildInputs(const Scenario& sc, PvDetail* detail, const engine::Inputs* known) {
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
        const CsvRequest req{s.path, s.column, lo, s.mark, s.key_path};
        auto v = s.repeat_yearly ? ReadCsvSeriesYearly(req, sc.axis, &sources, &d) : ReadCsvSeries(req, sc.axis, &sources, &d);
        return v ? *v : Series::Zero(n);
      }
    }
    return Series::Zero(n);
  };
  const double inf = std::numeric_limits<double>::infinity();
  in.temp_air_c = Series::Constant(n, sc.ambient_c);
  const pv::SpaSite site{sc.latitude_deg, sc.longitude_deg, sc.altitude_m, pv::AltitudeToPressure(sc.altitude_m) / 100.0,
                         12.0, 0.5667};
  if (known && !detail) {
    in.pv_mw = known->pv_mw;
    in.pv_bound_mw = known->pv_bound_mw;
    in.temp_air_c = known->temp_air_c;
  } else if (sc.pv_plants) {
    pv::SunTerms sun = pv::ComputeSunTerms(sc.axis, sc.weather.sun_at, site);
    double ac_mw = 0.0;
    for (const auto& p : sc.plants) ac_mw += p.ac_capacity_mw();
    in.pv_bound_mw = pv::PvUpperBound(sc.axis, sun.apparent_zenith_deg,
                                      sc.weather.sun_at == pv::SunAt::kMidpoint ? sc.axis.step_s / 2.0 : 0.0, ac_mw);
    std::optional<pv::Weather> w;
    if (sc.weather.csv && sc.weather.repeat_yearly && FirstYear(sc.axis).count < sc.axis.count) {
      // A first-year file: read and shaped on the first year, then spread by local date.
      Scenario first = sc;
      first.axis = FirstYear(sc.axis);
      const pv::SunTerms first_sun = pv::ComputeSunTerms(first.axis, sc.weather.sun_at, site);
      if (auto fw = ReadWeatherCsv(first, first_sun, site, &sources, &d)) {
        const auto index = YearlyIndex(sc.axis);
        w = pv::Weather{};
        for (auto [from, to] : {std::pair{&fw->ghi_w_m2, &w->ghi_w_m2}, std::pair{&fw->dni_w_m2, &w->dni_w_m2},
                                std::pair{&fw->dhi_w_m2, &w->dhi_w_m2}, std::pair{&fw->temp_air_c, &w->temp_air_c},
                                std::pair{&fw->wind_speed_m_s, &w->wind_speed_m_s}}) {
          *to = RepeatYearly(*from, index);
        }
      }
    } else {
      w = sc.weather.csv ? ReadWeatherCsv(sc, sun, site, &sources, &d) : pv::SynthesizeWeather(sc.weather.synthetic, sc.axis, sun, site);
    }
    if (w) {
      in.temp_air_c = w->temp_air_c;
      pv::FleetResult fleet = pv::SimulateFleet(sc.plants, sc.axis, sun, *w);
      in.pv_mw = std::move(fleet.ac_mw);
      if (detail) {
        detail->sun = std::move(sun);
        detail->plant_names.clear();
        for (const auto& p : sc.plants) detail->plant_names.push_back(p.name);
        detail->plants = std::move(fleet.plants);
      }
    } else {
      in.pv_mw = Series::Zero(n);
    }
  } else {
    in.pv_mw = pv::ScaleProfile(build(sc.pv, 0.0, 0.0), sc.pv_profile);
    if (sc.pv.kind == SeriesSpec::Kind::kCsv) {
      // A measured profile labels intervals by their start (as the weather files do). Its
      // rating, when given, bounds it by day; its night is where the sun is: a profile with
      // power in a step the sun leaves dark is on another clock, and gets no bound.
      const double rating = sc.pv_profile.scale_to_mw.value_or(sc.pv_profile.rated_mw.value_or(std::numeric_limits<double>::infinity()));
      const pv::SunSeries sun = pv::SolarPositions(sc.axis, sc.axis.step_s / 2.0, site);
      in.pv_bound_mw = pv::PvUpperBound(sc.axis, sun.apparent_zenith_deg, sc.axis.step_s / 2.0, rating);
      // (2 % of the peak: a logger's night readings are not a clock error)
      const double slack = 0.02 * std::max(0.0, in.pv_mw.maxCoeff());
      for (Eigen::Index k = 0; k < n; ++k) {
        if (in.pv_mw[k] > in.pv_bound_mw[k] + slack) {
          spdlog::warn("{}: PV of {:.3g} MW at {} exceeds what the site's sun allows ({:.3g} MW): the profile's clock or "
                       "rating disagrees with the site; PV forecasts get no physical bound",
                       sc.pv.key_path, in.pv_mw[k], FormatIsoTime(sc.axis.TimeAt(k), sc.axis.utc_offset_s), in.pv_bound_mw[k]);
          in.pv_bound_mw.resize(0);
          break;
        }
      }
    }
  }
  in.load_mw = build(sc.load, 0.0, 0.0);
  in.export_limit_mw = build(sc.export_limit, inf, 0.0);
  in.import_limit_mw = build(sc.import_limit, inf, 0.0);
  if (sc.price.tou) {
    in.price_yuan_per_mwh = market::TouPrices(sc.price.tou_config, sc.axis);
  } else {
    in.price_yuan_per_mwh = build(sc.price.series, 0.0, -1e300);
  }
  market::ClampPrices(&in.price_yuan_per_mwh, sc.price.floor_yuan_per_mwh, sc.price.cap_yuan_per_mwh);
  if (sc.price.escalation_per_year != 0.0) {
    // Compounded yearly: step k of year y (counted from time.start) is priced × (1 + g)^y.
    const double year_s = 365.2425 * 86400.0;
    for (Eigen::Index k = 0; k < n; ++k) {
      const double years = std::floor(static_cast<double>(k) * sc.axis.step_s / year_s);
      in.price_yuan_per_mwh[k] *= std::pow(1.0 + sc.price.escalation_per_year, years);
    }
  }
  d.ThrowIfAny(sources);
  return in;
}

}  // namespace essim::io
