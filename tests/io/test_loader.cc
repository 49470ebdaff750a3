// extends (deep merge, list replaced whole, cycles), --set by index and by name,
// validated like the file.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "sim/io/scenario.h"
#include "tests/io/test_support.h"

using namespace essim;
using namespace essim::io;
using essim::test::Scratch;
using essim::test::Src;

namespace {
const std::string kBase = R"(name: base
time: {start: 2025-05-12T00:00:00+08:00, duration: 1 d, step: 15 min}
storage:
  phases:
    - {name: phase-1, power: 500 MW, energy: 1000 MWh}
    - {name: phase-2, power: 500 MW, energy: 1000 MWh}
  soc: {min: 5 %, max: 95 %}
  efficiency: {charge: 95 %, discharge: 95 %}
grid: {export_limit: 1500 MW}
market: {energy_price: 300 yuan/MWh}
dispatch: {strategy: idle}
)";

std::vector<Diagnostic> ErrorsOf(const std::string& path, const LoadOptions& o = {}) {
  try {
    LoadScenario(path, o);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(loader)

BOOST_AUTO_TEST_CASE(extends_deep_merges_and_replaces_lists) {
  Scratch s("extends");
  s.Write("configs/base.yaml", kBase);
  const std::string child = s.Write("scenarios/child.yaml", R"(name: child
extends: ../configs/base.yaml
storage:
  soc: {min: 10 %}
  phases:
    - {name: only, power: 200 MW, energy: 400 MWh}
)");
  const Scenario sc = LoadScenario(child);
  BOOST_TEST(sc.name == "child");
  BOOST_TEST_REQUIRE(sc.model.station.phases.size() == 1u);  // list replaced whole
  BOOST_TEST(sc.model.station.phases[0].name == "only");
  BOOST_TEST(sc.model.station.soc_min == 0.10);    // merged key by key: this file wins
  BOOST_TEST(sc.model.station.soc_max == 0.95);    // inherited
  BOOST_TEST(sc.model.station.eta_charge == 0.95); // inherited section
  BOOST_TEST(sc.axis.count == 96);
}

BOOST_AUTO_TEST_CASE(extends_chain_and_duration_replaces_end) {
  Scratch s("chain");
  s.Write("a.yaml", kBase + "output: {dir: out/a}\n");
  s.Write("b.yaml", "extends: a.yaml\nname: b\ntime: {end: 2025-05-14T00:00:00+08:00}\n");
  const std::string c = s.Write("c.yaml", "extends: b.yaml\nname: c\ntime: {duration: 6 h}\n");
  BOOST_TEST(LoadScenario(s.Path("b.yaml")).axis.count == 192);  // end replaces the base's duration
  const Scenario sc = LoadScenario(c);
  BOOST_TEST(sc.axis.count == 24);  // duration replaces the inherited end
  BOOST_TEST(sc.output_dir == "out/a");
}

BOOST_AUTO_TEST_CASE(extends_cycle_is_located) {
  const auto d = ErrorsOf(Src("tests/data/bad/cycle-a.yaml"));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  BOOST_TEST(d[0].key_path == "extends");
  BOOST_TEST(d[0].mark.file.find("cycle-b.yaml") != std::string::npos);
  BOOST_TEST(d[0].mark.line == 2);
  BOOST_TEST(d[0].message.find("cycle") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(set_by_index_and_by_name) {
  Scratch s("set");
  const std::string f = s.Write("x.yaml", kBase);
  LoadOptions o;
  o.sets = {"storage.phases[1].energy=1500 MWh", "storage.phases[phase-1].power=250 MW", "grid.export_limit=1.2 GW",
            "storage.soc.initial=40 %", "time.duration=2 d", "market.floor=50 yuan/MWh"};
  const Scenario sc = LoadScenario(f, o);
  BOOST_TEST(sc.model.station.phases[1].energy_mwh == 1500.0);
  BOOST_TEST(sc.model.station.phases[0].power_mw == 250.0);
  BOOST_TEST(sc.export_limit.value == 1200.0);
  BOOST_TEST(sc.model.station.soc_initial == 0.40);
  BOOST_TEST(sc.axis.count == 192);
  BOOST_TEST(sc.price.floor_yuan_per_mwh.value() == 50.0);
}

BOOST_AUTO_TEST_CASE(set_values_validated_like_the_file) {
  Scratch s("set-bad");
  const std::string f = s.Write("x.yaml", kBase);
  LoadOptions o;
  o.sets = {"storage.phases[1].energy=1500 MW", "storage.phases[7].power=1 MW", "storage.phases[nope].power=1 MW",
            "storage.enrgy=5 MWh", "dispatch.strategy=optimum"};
  const auto d = ErrorsOf(f, o);
  BOOST_TEST_REQUIRE(d.size() == 5u);
  auto find = [&](const std::string& path) -> const Diagnostic* {
    for (const auto& x : d) if (x.key_path == path) return &x;
    return nullptr;
  };
  const Diagnostic* e = find("storage.phases[1].energy");
  BOOST_TEST_REQUIRE(e != nullptr);
  BOOST_TEST(e->mark.file == "--set #1");
  BOOST_TEST(e->mark.column == 26);  // the value after "storage.phases[1].energy="
  BOOST_TEST(e->message.find("expected energy") != std::string::npos);
  BOOST_TEST_REQUIRE(find("storage.phases") != nullptr);  // [7] and [nope] fail at the list
  BOOST_TEST(find("storage.enrgy")->message.find("valid keys: phases, soc, efficiency") != std::string::npos);
  BOOST_TEST(find("storage.enrgy")->message.find("unknown key") != std::string::npos);
  BOOST_TEST(find("dispatch.strategy")->message.find("expected one of") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(strategy_option_overrides) {
  Scratch s("strategy");
  const std::string f = s.Write("x.yaml", kBase);
  LoadOptions o;
  o.strategy = "absorb_curtailment";
  BOOST_TEST(LoadScenario(f, o).dispatch.strategy == "absorb_curtailment");
}

BOOST_AUTO_TEST_CASE(defaults_apply) {
  Scratch s("defaults");
  const std::string f = s.Write("x.yaml", R"(name: d
time: {start: 2025-01-01T00:00:00+08:00, end: 2025-01-02T00:00:00+08:00}
storage: {phases: [{name: a, power: 1 MW, energy: 2 MWh}]}
market: {energy_price: 0.3 yuan/kWh}
dispatch: {strategy: idle}
)");
  const Scenario sc = LoadScenario(f);
  BOOST_TEST(sc.axis.step_s == 900);  // 15 min
  BOOST_TEST(sc.model.station.soc_min == 0.05);
  BOOST_TEST(sc.model.station.soc_max == 0.95);
  BOOST_TEST(sc.model.station.eta_charge == 0.922);
  BOOST_TEST(sc.price.series.value == 300.0);
  BOOST_TEST(sc.output_dir == "out/d");
  BOOST_TEST(sc.model.grid.allow_grid_charging);
  BOOST_TEST((sc.export_limit.kind == SeriesSpec::Kind::kAbsent));
  BOOST_TEST(sc.model.station.phases[0].in_service_unix_s < sc.axis.start_unix_s);
}

BOOST_AUTO_TEST_CASE(price_forecasts_bounded_by_the_market_floor_and_cap) {
  // A forecast price stays within the market's floor and cap, as the prices do; with
  // escalation only the bound the escalated prices cannot pass (a floor ≥ 0 as prices
  // grow, a cap ≥ 0 as they fall). PV and load forecasts are bounded below by 0.
  Scratch s("price-bounds");
  std::string base = kBase;
  base.replace(base.find("market: {energy_price: 300 yuan/MWh}"), 36,
               "market: {energy_price: 300 yuan/MWh, floor: 40 yuan/MWh, cap: 650 yuan/MWh}");
  const std::string f = s.Write("x.yaml", base);
  const Scenario flat = LoadScenario(f);
  BOOST_TEST(flat.rolling.price.lo == 40.0);
  BOOST_TEST(flat.rolling.price.hi == 650.0);
  BOOST_TEST(flat.rolling.pv.lo == 0.0);
  BOOST_TEST(flat.rolling.load.lo == 0.0);
  LoadOptions o;
  o.sets = {"market.escalation=2 %/yr"};
  const Scenario growing = LoadScenario(f, o);
  BOOST_TEST(growing.rolling.price.lo == 40.0);
  BOOST_TEST(growing.rolling.price.hi > 1e299);
  o.sets = {"market.escalation=-2 %/yr"};
  const Scenario falling = LoadScenario(f, o);
  BOOST_TEST(falling.rolling.price.lo < -1e299);
  BOOST_TEST(falling.rolling.price.hi == 650.0);
  const Scenario unbounded = LoadScenario(s.Write("y.yaml", kBase));
  BOOST_TEST(unbounded.rolling.price.lo < -1e299);
  BOOST_TEST(unbounded.rolling.price.hi > 1e299);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(loader_series)

BOOST_AUTO_TEST_CASE(csv_price_load_and_import_limit) {
  const Scenario sc = LoadScenario(Src("tests/data/csv-inputs.yaml"));
  const engine::Inputs in = BuildInputs(sc);
  BOOST_TEST_REQUIRE(in.axis.count == 96);
  // Hourly rows held over the four 15-minute steps of each hour.
  for (int h = 0; h < 24; ++h) {
    for (int q = 0; q < 4; ++q) {
      const int k = 4 * h + q;
      BOOST_TEST(in.load_mw[k] == 50.0 + h);
      BOOST_TEST(in.import_limit_mw[k] == (h < 6 ? 80.0 : 200.0));
      // 20 is raised to the 40 floor, 700 lowered to the 650 cap.
      const double expect = (h >= 10 && h < 16) ? 40.0 : ((h >= 18 && h < 22) ? 650.0 : 300.0);
      BOOST_TEST(in.price_yuan_per_mwh[k] == expect);
    }
  }
  BOOST_TEST(std::isinf(in.export_limit_mw[0]) == false);  // small.yaml: constant 150 MW
  BOOST_TEST(in.export_limit_mw[0] == 150.0);
}

BOOST_AUTO_TEST_CASE(pv_scaling_to_a_stated_capacity) {
  LoadOptions o;
  o.sets = {"pv.rated=250 MW", "pv.scale_to=500 MW"};
  const Scenario sc = LoadScenario(Src("tests/data/small.yaml"), o);
  const engine::Inputs in = BuildInputs(sc);
  // pv-day.csv at 12:00 is 243.7 MW; scaled ×2.
  BOOST_TEST(in.pv_mw[48] == 487.4, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(pv_bound_from_the_site_sun_and_the_stated_rating) {
  // small.yaml: pv-day.csv (0 until 06:00 and from 20:00, Beijing time) at Jiayuguan,
  // 12 May: sunrise ≈ 06:40, sunset ≈ 20:20. Dark steps (the sun more than 6° below the
  // horizon through the step) bound PV at 0; daylight ones at the stated rating.
  LoadOptions o;
  o.sets = {"pv.rated=250 MW", "pv.scale_to=500 MW"};
  const Scenario sc = LoadScenario(Src("tests/data/small.yaml"), o);
  const engine::Inputs in = BuildInputs(sc);
  BOOST_TEST_REQUIRE(in.pv_bound_mw.size() == in.pv_mw.size());
  for (Eigen::Index k = 0; k < in.pv_mw.size(); ++k) {
    BOOST_TEST(in.pv_mw[k] <= in.pv_bound_mw[k]);
    const double hour = k / 4.0;
    if (hour < 5.0 || hour >= 21.5) BOOST_TEST(in.pv_bound_mw[k] == 0.0, "step " << k);
    if (hour >= 7.0 && hour < 20.0) BOOST_TEST(in.pv_bound_mw[k] == 500.0, "step " << k);
  }
  // Without a rating, daylight is unbounded; on the other side of the Earth the profile's
  // noon falls in the site's night: its clock disagrees with the site and no bound is kept.
  const engine::Inputs unrated = BuildInputs(LoadScenario(Src("tests/data/small.yaml")));
  BOOST_TEST(std::isinf(unrated.pv_bound_mw[48]));
  BOOST_TEST(unrated.pv_bound_mw[0] == 0.0);
  LoadOptions away;
  away.sets = {"site.longitude=-81.71 deg"};
  BOOST_TEST(BuildInputs(LoadScenario(Src("tests/data/small.yaml"), away)).pv_bound_mw.size() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
