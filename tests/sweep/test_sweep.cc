// Sweeps: expansion of every parameter kind, stable ids, located errors in sweep files,
// identical results whatever the number of jobs or shards, failed cases recorded, and
// the database's guards (another sweep's database, rows without --resume).
#define BOOST_TEST_MODULE sweep
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/sweep/runner.h"
#include "tests/io/test_support.h"

namespace essim::sweep {
namespace {

using test::Scratch;
using test::Src;

std::string Base() { return Src("tests/data/small.yaml"); }

SweepSpec Load(const Scratch& s, const std::string& body) {
  return LoadSweep(s.Write("sweep.yaml", "name: t\nbase: " + Base() + "\n" + body));
}

std::map<std::string, std::string> Params(const Case& c) {
  std::map<std::string, std::string> m;
  for (const auto& p : c.params) m[p.key] = p.text;
  return m;
}

// The located problems of a sweep file that must fail.
std::vector<Diagnostic> Problems(const Scratch& s, const std::string& body) {
  try {
    Load(s, body);
  } catch (const ScenarioError& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.diagnostics();
  }
  BOOST_FAIL("expected a ScenarioError");
  return {};
}

bool Has(const std::vector<Diagnostic>& ds, int line, int column, const std::string& key, const std::string& text) {
  for (const auto& d : ds) {
    if (d.mark.line == line && d.mark.column == column && d.key_path == key && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

// results.csv without the columns that measure time rather than results.
std::vector<std::string> Results(const std::string& csv) {
  std::ifstream in(csv);
  std::string line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  BOOST_REQUIRE(!rows.empty());
  std::set<std::size_t> drop;
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == "wall_s" || rows[0][i] == "solver.solve_time_s") drop.insert(i);
  }
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string joined;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (!drop.count(i)) joined += r[i] + ",";
    }
    out.push_back(joined);
  }
  return out;
}

const char* kSmallSweep =
    "grid:\n"
    "  storage.phases[p1].power: [50 MW, 100 MW]\n"
    "  grid.export_limit: [100 MW, 150 MW, 200 MW]\n"
    "zip:\n"
    "  - storage.phases[0].energy: [100 MWh, 300 MWh]\n"
    "    storage.soc.initial: [20 %, 80 %]\n"
    "cases:\n"
    "  - {dispatch.strategy: optimal}\n"
    "  - dispatch.strategy: price_threshold\n"
    "    dispatch.price_threshold: {charge_below: 200 yuan/MWh, discharge_above: 250 yuan/MWh}\n";

}  // namespace

BOOST_AUTO_TEST_CASE(grid_is_a_cartesian_product_with_the_last_key_fastest) {
  Scratch s("sweep-grid");
  const auto spec = Load(s, "grid:\n  storage.phases[0].power: [50 MW, 100 MW]\n  grid.export_limit: [100 MW, 150 MW, 200 MW]\n");
  BOOST_REQUIRE_EQUAL(spec.cases.size(), 6u);
  const char* power[] = {"50 MW", "50 MW", "50 MW", "100 MW", "100 MW", "100 MW"};
  const char* limit[] = {"100 MW", "150 MW", "200 MW", "100 MW", "150 MW", "200 MW"};
  for (std::size_t i = 0; i < 6; ++i) {
    BOOST_TEST(spec.cases[i].index == static_cast<std::int64_t>(i));
    BOOST_TEST(Params(spec.cases[i])["storage.phases[0].power"] == power[i]);
    BOOST_TEST(Params(spec.cases[i])["grid.export_limit"] == limit[i]);
  }
  // The values reach the scenario.
  BOOST_TEST(spec.scenarios[4].model.station.phases[0].power_mw == 100.0);
  BOOST_TEST(spec.columns.size() == 2u);
  BOOST_TEST(spec.columns[0].numeric);
  BOOST_TEST(spec.columns[0].unit == "MW");
}

BOOST_AUTO_TEST_CASE(zip_groups_walk_in_lockstep_and_multiply_with_the_grid) {
  Scratch s("sweep-zip");
  const auto spec = Load(s, kSmallSweep);
  // 2 x 3 grid x 2 zip + 2 explicit cases.
  BOOST_REQUIRE_EQUAL(spec.cases.size(), 14u);
  for (std::size_t i = 0; i < 12; ++i) {
    auto p = Params(spec.cases[i]);
    BOOST_TEST(p.size() == 4u);
    // Lockstep: 100 MWh always with 20 %, 300 MWh with 80 %.
    BOOST_TEST((p["storage.phases[0].energy"] == "100 MWh") == (p["storage.soc.initial"] == "20 %"));
    BOOST_TEST(p["storage.phases[0].energy"] == (i % 2 == 0 ? "100 MWh" : "300 MWh"));
  }
  BOOST_TEST(spec.scenarios[1].model.station.phases[0].energy_mwh == 300.0);
  BOOST_TEST(spec.scenarios[1].model.station.soc_initial == 0.8);
  // Explicit cases come after the product, with only their own keys.
  BOOST_TEST(Params(spec.cases[12]).size() == 1u);
  BOOST_TEST(spec.scenarios[12].dispatch.strategy == "optimal");
  BOOST_TEST(spec.scenarios[13].dispatch.strategy == "price_threshold");
  BOOST_TEST(spec.columns.size() == 6u);
  BOOST_TEST(!spec.columns[4].numeric);  // dispatch.strategy is text
}

BOOST_AUTO_TEST_CASE(random_samples_are_seeded_in_range_and_keep_the_unit) {
  Scratch s("sweep-random");
  const std::string body =
      "random:\n  samples: 400\n  seed: 11\n  parameters:\n"
      "    storage.phases[0].energy: {from: 100 MWh, to: 400 MWh}\n"
      "    market.energy_price: {from: 10 yuan/MWh, to: 1000 yuan/MWh, distribution: log_uniform}\n"
      "    dispatch.rolling_horizon.pv_forecast.seed: {from: 1, to: 6, integer: true}\n";
  const auto a = Load(s, body);
  const auto b = Load(s, body);
  BOOST_REQUIRE_EQUAL(a.cases.size(), 400u);
  double mean_u = 0.0, mean_log = 0.0;
  std::set<std::string> seeds;
  for (std::size_t i = 0; i < a.cases.size(); ++i) {
    BOOST_TEST(a.cases[i].id == b.cases[i].id);  // same seed, same samples
    const double e = a.scenarios[i].model.station.phases[0].energy_mwh;
    BOOST_TEST((e >= 100.0 && e <= 400.0));
    mean_u += (e - 100.0) / 300.0;
    auto p = Params(a.cases[i]);
    BOOST_TEST(p["storage.phases[0].energy"].ends_with(" MWh"));
    const double price = std::stod(p["market.energy_price"]);
    BOOST_TEST((price >= 10.0 && price <= 1000.0));
    mean_log += std::log(price / 10.0) / std::log(100.0);
    seeds.insert(p["dispatch.rolling_horizon.pv_forecast.seed"]);
  }
  // Uniform in [0, 1): mean 1/2 with standard error 0.29/sqrt(400) = 0.014; log-uniform:
  // the log of the value is uniform (the arithmetic mean would sit near 215, not 505).
  BOOST_TEST(std::abs(mean_u / 400 - 0.5) < 0.05);
  BOOST_TEST(std::abs(mean_log / 400 - 0.5) < 0.05);
  BOOST_TEST(seeds == (std::set<std::string>{"1", "2", "3", "4", "5", "6"}));
  // Repeated samples are dropped: six integers cannot make ten distinct cases.
  BOOST_TEST(Load(s, "random:\n  samples: 10\n  parameters:\n    dispatch.rolling_horizon.pv_forecast.seed: {from: 1, to: 6, integer: true}\n")
                 .cases.size() <= 6u);
  const auto c = Load(s, "random:\n  samples: 400\n  seed: 12\n  parameters:\n    storage.phases[0].energy: {from: 100 MWh, to: 400 MWh}\n");
  BOOST_TEST(Params(c.cases[0])["storage.phases[0].energy"] != Params(a.cases[0])["storage.phases[0].energy"]);
}

BOOST_AUTO_TEST_CASE(case_ids_are_stable_and_independent_of_key_order) {
  // FNV-1a 64 of "a=1\nb=x y\n" (computed independently): ids must never change between
  // versions, or resuming an older database would rerun everything.
  BOOST_TEST(CaseId({{"a", "1"}, {"b", "x y"}}) == "c9ee9a95576b1c72");
  BOOST_TEST(CaseId({{"b", "x y"}, {"a", "1"}}) == "c9ee9a95576b1c72");
  BOOST_TEST(CaseId({{"a", "1"}, {"b", "x z"}}) != "c9ee9a95576b1c72");
  Scratch s("sweep-ids");
  const auto a = Load(s, "grid:\n  storage.phases[0].power: [50 MW, 100 MW]\n  grid.export_limit: [100 MW, 150 MW]\n");
  const auto b = Load(s, "grid:\n  grid.export_limit: [100 MW, 150 MW]\n  storage.phases[0].power: [50 MW, 100 MW]\n");
  std::set<std::string> ia, ib;
  for (const auto& c : a.cases) ia.insert(c.id);
  for (const auto& c : b.cases) ib.insert(c.id);
  BOOST_TEST(ia.size() == 4u);
  BOOST_TEST(ia == ib);
  BOOST_TEST(a.fingerprint != b.fingerprint);  // another order of cases is another sweep
}

BOOST_AUTO_TEST_CASE(shards_partition_the_cases) {
  Scratch s("sweep-shards");
  const auto spec = Load(s, kSmallSweep);
  BOOST_CHECK_THROW(ParseShard("3/3"), std::invalid_argument);
  BOOST_CHECK_THROW(ParseShard("1-3"), std::invalid_argument);
  BOOST_CHECK_THROW(ParseShard("0/0"), std::invalid_argument);
  std::map<std::string, int> seen;
  for (int i = 0; i < 3; ++i) {
    const auto shard = ParseShard(std::to_string(i) + "/3");
    for (const auto& c : spec.cases) {
      if (InShard(c, shard)) ++seen[c.id];
    }
  }
  BOOST_TEST(seen.size() == spec.cases.size());
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1);
}

BOOST_AUTO_TEST_CASE(malformed_sweep_files_get_located_errors) {
  Scratch s("sweep-bad");
  // Lines: 1 name, 2 base, then the body.
  auto ds = Problems(s, "grid:\n  storage.phases[0].power: [50 MW, 5 MWh]\n");
  BOOST_TEST(Has(ds, 4, 36, "storage.phases[0].power", "expected power"));
  ds = Problems(s, "grid:\n  storage.phases[p9].power: [50 MW]\n");
  BOOST_TEST(Has(ds, 4, 17, "storage.phases", "found \"p9\""));
  ds = Problems(s, "grid:\n  dispatch.strategie: [idle]\n");
  BOOST_TEST(Has(ds, 4, 12, "dispatch.strategie", "did you mean \"strategy\""));
  ds = Problems(s, "grid:\n  grid.export_limit: 100 MW\n");
  BOOST_TEST(Has(ds, 4, 22, "grid.grid.export_limit", "expected a non-empty list"));
  ds = Problems(s, "zip:\n  a.b: [1, 2]\n  c.d: [1]\n");
  BOOST_TEST(Has(ds, 5, 8, "zip.c.d", "expected 2 values"));
  ds = Problems(s, "random:\n  samples: 2\n  parameters:\n    market.floor: {from: 10 yuan/MWh, to: 5 MW}\n");
  BOOST_TEST(Has(ds, 6, 43, "random.parameters.market.floor.to", "expected the unit of \"from\""));
  ds = Problems(s, "random:\n  samples: 0\n  parameters:\n    market.floor: {from: 1 yuan/MWh, to: 5 yuan/MWh}\n");
  BOOST_TEST(Has(ds, 4, 12, "random.samples", "in [1"));
  ds = Problems(s, "cases:\n  - {dispatch.strategy: idle}\n  - {dispatch.strategy: idle}\n");
  BOOST_TEST(Has(ds, 5, 6, "dispatch.strategy", "equal to case 0"));
  ds = Problems(s, "grids:\n  grid.export_limit: [1 MW]\n");
  BOOST_TEST(Has(ds, 3, 1, "grids", "did you mean \"grid\""));
  ds = Problems(s, "description: nothing swept\n");
  BOOST_TEST(Has(ds, 1, 1, "", "expected at least one of grid, zip, random or cases"));
  // A base that does not load.
  const std::string p = s.Write("nobase.yaml", "name: t\nbase: missing.yaml\ncases: [{dispatch.strategy: idle}]\n");
  try {
    LoadSweep(p);
    BOOST_FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    BOOST_TEST(Has(e.diagnostics(), 2, 7, "base", "expected a loadable scenario"));
  }
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_jobs_or_shards_and_inputs_are_shared) {
  Scratch s("sweep-run");
  const auto spec = Load(s, kSmallSweep);
  SweepOptions one;
  one.jobs = 1;
  one.out_dir = s.Path("one");
  const auto r1 = RunSweep(spec, one);
  BOOST_TEST(r1.ran == 14);
  BOOST_TEST(r1.failed == 0);
  // Inputs differ only by the export limit (3 values); storage and dispatch do not matter.
  BOOST_TEST(r1.inputs_built == 3);
  SweepOptions two = one;
  two.jobs = 2;
  two.out_dir = s.Path("two");
  RunSweep(spec, two);
  BOOST_TEST(Results(r1.csv) == Results(s.Path("two/results.csv")), boost::test_tools::per_element());
  // Three shards, merged.
  SweepOptions sh = one;
  sh.out_dir = s.Path("sh");
  for (int i = 0; i < 3; ++i) {
    sh.shard = std::make_pair(i, 3);
    const auto r = RunSweep(spec, sh);
    BOOST_TEST(r.csv.empty());
  }
  sh.shard.reset();
  const auto merged = MergeShards(spec, sh, {});
  BOOST_TEST(merged.selected == 14);
  BOOST_TEST(Results(r1.csv) == Results(merged.csv), boost::test_tools::per_element());
  // The database refuses to run again without --resume; with it, nothing is left to run.
  BOOST_CHECK_THROW(RunSweep(spec, one), std::runtime_error);
  one.resume = true;
  const auto again = RunSweep(spec, one);
  BOOST_TEST(again.ran == 0);
  BOOST_TEST(again.skipped == 14);
  // Another sweep's database is refused.
  const auto other = Load(s, "grid:\n  storage.phases[0].power: [60 MW]\n");
  BOOST_CHECK_THROW(RunSweep(other, one), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_failed_case_is_recorded_and_the_sweep_goes_on) {
  Scratch s("sweep-fail");
  // The PV file of the second case does not exist: validation passes (files are read when
  // the inputs are built), the case fails, the others run.
  const auto spec = Load(s, "cases:\n  - {dispatch.strategy: idle}\n  - {pv.path: no-such.csv}\n  - {dispatch.strategy: optimal}\n");
  SweepOptions o;
  o.jobs = 2;
  o.out_dir = s.Path("out");
  const auto r = RunSweep(spec, o);
  BOOST_TEST(r.ran == 3);
  BOOST_TEST(r.failed == 1);
  std::ifstream in(r.csv);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  BOOST_TEST(text.find("failed") != std::string::npos);
  BOOST_TEST(text.find("no-such.csv") != std::string::npos);
}

}  // namespace essim::sweep
