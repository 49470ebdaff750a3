// A table of deliberately broken inputs (tests/data/bad/): each must fail before any
// simulation with file:line, the key path and a message saying what was expected.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "sim/io/scenario.h"
#include "tests/io/test_support.h"

using namespace essim;
using namespace essim::io;
using essim::test::Src;

namespace {

struct BadCase {
  const char* file;        // under tests/data/bad/
  const char* mark_file;   // suffix of the file the problem is located in
  int line;                // 1-based line (row for CSV files)
  const char* key_path;
  const char* message;     // a fragment of the message
};

const BadCase kCases[] = {
    {"syntax.yaml", "syntax.yaml", 4, "", "invalid YAML"},
    {"empty.yaml", "empty.yaml", 1, "", "empty document"},
    {"top-level-list.yaml", "top-level-list.yaml", 1, "", "expected a mapping of scenario sections"},
    {"extends-missing.yaml", "extends-missing.yaml", 3, "extends", "cannot read scenario file"},
    {"cycle-a.yaml", "cycle-b.yaml", 2, "extends", "cycle"},
    {"duplicate-key.yaml", "duplicate-key.yaml", 3, "name", "duplicate key \"name\" (first defined at line 2)"},
    {"non-numeric.yaml", "non-numeric.yaml", 4, "storage.phases[0].power", "found \"lots MW\""},
    {"non-finite.yaml", "non-finite.yaml", 6, "storage.phases[0].energy", "non-finite"},
    {"pcs-curve-not-increasing.yaml", "pcs-curve-not-increasing.yaml", 6, "storage.conversion.pcs_curve[1].load", "above the previous point (50 %), found 20 %"},
    {"heat-above-cool.yaml", "heat-above-cool.yaml", 5, "storage.auxiliary.heat_below", "<= cool_above (20 degC), found 25 degC"},
    {"outage-end-before-start.yaml", "outage-end-before-start.yaml", 8, "storage.phases[0].outages[0].end", "expected an end after the start"},
    {"mtbf-wrong-unit.yaml", "mtbf-wrong-unit.yaml", 5, "storage.forced_outages.mtbf", "found \"8760 MWh\""},
    {"cycle-life-bad-depth.yaml", "cycle-life-bad-depth.yaml", 6, "storage.ageing.cycle_life[1].depth", "found \"120 %\""},
    {"negative-power.yaml", "negative-power.yaml", 5, "storage.phases[0].power", "expected power > 0 MW, found \"-500 MW\""},
    {"zero-energy.yaml", "zero-energy.yaml", 6, "storage.phases[0].energy", "expected energy > 0 MWh"},
    {"soc-min-above-max.yaml", "soc-min-above-max.yaml", 4, "storage.soc.min", "below soc.max"},
    {"efficiency-above-one.yaml", "efficiency-above-one.yaml", 4, "storage.efficiency.charge", "in (0 %, 100 %], found \"105 %\""},
    {"efficiency-zero.yaml", "efficiency-zero.yaml", 4, "storage.efficiency.discharge", "in (0 %, 100 %], found \"0\""},
    {"step-not-dividing.yaml", "step-not-dividing.yaml", 4, "time.step", "divides the period"},
    {"step-too-long.yaml", "step-too-long.yaml", 3, "time.step", "in [60 s, 3600 s]"},
    {"end-before-start.yaml", "end-before-start.yaml", 4, "time.end", "after the start"},
    {"no-offset.yaml", "no-offset.yaml", 3, "time.start", "no UTC offset"},
    {"latitude.yaml", "latitude.yaml", 3, "site.latitude", "in [-90 deg, 90 deg], found \"95 deg\""},
    {"csv-missing.yaml", "csv-missing.yaml", 4, "pv.path", "cannot read CSV file"},
    {"csv-bad-row.yaml", "bad-row.csv", 4, "pv.path", "pv_mw: expected a number, found \"n/a\""},
    {"csv-gap.yaml", "gap.csv", 5, "pv.path", "regular step"},
    {"csv-short.yaml", "short.csv", 4, "pv.path", "covering the run"},
    {"unknown-key.yaml", "unknown-key.yaml", 6, "storage.phases[0].enrgy", "did you mean \"energy\""},
    {"unknown-strategy.yaml", "unknown-strategy.yaml", 3, "dispatch.strategy", "did you mean \"absorb_curtailment\""},
    {"wrong-unit.yaml", "wrong-unit.yaml", 6, "storage.phases[0].energy", "units: Wh, kWh, MWh, GWh"},
    {"missing-unit.yaml", "missing-unit.yaml", 3, "grid.export_limit", "without a unit"},
    {"missing-required.yaml", "missing-required.yaml", 4, "storage.phases[0].energy", "missing required key \"energy\""},
    {"tou-gap.yaml", "tou-gap.yaml", 6, "market.energy_price.periods", "10:00-12:00 uncovered"},
    {"schedule-overlap.yaml", "schedule-overlap.yaml", 7, "dispatch.schedule.windows[1].hours", "overlap"},
    {"plants-no-site.yaml", "plants-no-site.yaml", 1, "site", "weather-driven PV needs the latitude"},
    {"plant-bad-tilt.yaml", "plant-bad-tilt.yaml", 8, "pv.plants[0].mounting.tilt", "in [0 deg, 90 deg], found \"95 deg\""},
    {"thresholds-inverted.yaml", "thresholds-inverted.yaml", 6, "dispatch.price_threshold.discharge_above", "above charge_below"},
    {"commit-shorter-than-replan.yaml", "commit-shorter-than-replan.yaml", 6, "dispatch.rolling_horizon.commit", "at least replan_every (3600 s)"},
};

std::vector<Diagnostic> Problems(const std::string& path, std::string* rendered) {
  try {
    const Scenario sc = LoadScenario(path);
    BuildInputs(sc);
  } catch (const ScenarioError& e) {
    *rendered = e.what();
    return e.diagnostics();
  }
  return {};
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_scenarios)

BOOST_AUTO_TEST_CASE(each_bad_file_is_located_and_explained) {
  BOOST_TEST(std::size(kCases) >= 20u);
  for (const BadCase& c : kCases) {
    BOOST_TEST_CONTEXT("file " << c.file) {
      std::string rendered;
      const auto problems = Problems(Src(std::string("tests/data/bad/") + c.file), &rendered);
      BOOST_TEST_REQUIRE(!problems.empty(), "no error raised");
      bool found = false;
      for (const auto& d : problems) {
        if (EndsWith(d.mark.file, c.mark_file) && d.mark.line == c.line && d.key_path == c.key_path &&
            d.message.find(c.message) != std::string::npos) {
          found = true;
        }
      }
      BOOST_TEST(found, "no diagnostic matches; got:\n" << rendered);
      // The rendered text starts with "file:line:" as users see it.
      BOOST_TEST(rendered.find(std::string(c.mark_file) + ":" + std::to_string(c.line)) != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(all_problems_in_one_pass_sorted_with_caret) {
  std::string rendered;
  const auto problems = Problems(Src("tests/data/bad/many-problems.yaml"), &rendered);
  BOOST_TEST_REQUIRE(problems.size() == 3u);
  const auto a = rendered.find("many-problems.yaml:4:25: storage.phases[0].power");
  const auto b = rendered.find("many-problems.yaml:5:39: storage.soc.initial");
  const auto c = rendered.find("many-problems.yaml:7:17: grid.export_limit");
  BOOST_TEST((a != std::string::npos && b != std::string::npos && c != std::string::npos));
  BOOST_TEST((a < b && b < c));
  // The source line and a caret under column 25.
  BOOST_TEST(rendered.find("    4 |     - {name: p1, power: 0 MW, energy: 200 MWh}\n      | " + std::string(24, ' ') + "^") !=
             std::string::npos);
  BOOST_TEST(rendered.find("3 problems found") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(csv_problem_quotes_the_csv_line) {
  std::string rendered;
  Problems(Src("tests/data/bad/csv-bad-row.yaml"), &rendered);
  BOOST_TEST(rendered.find("    4 | 2025-05-12T02:00:00+08:00,n/a") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_scenario_file) {
  std::string rendered;
  const auto problems = Problems(Src("tests/data/bad/does-not-exist.yaml"), &rendered);
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].message.find("cannot read scenario file") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
