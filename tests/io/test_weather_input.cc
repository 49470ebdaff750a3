// Weather-driven PV through the scenario loader: CSV weather (hourly shaped to the run
// step with the clear-sky profile, interval means kept), Erbs when DNI/DHI are absent,
// located errors, and synthetic weather reproducibility.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <fmt/format.h>

#include "sim/io/scenario.h"
#include "tests/io/test_support.h"

using namespace essim;
using namespace essim::io;
using essim::test::Scratch;

namespace {
const char* kScenario = R"(name: wx
time: {start: 2025-06-21T00:00:00+08:00, duration: 2 d, step: 15 min}
site: {latitude: 39.77 deg, longitude: 98.29 deg, altitude: 1600 m}
weather: {source: csv, path: weather.csv}
pv:
  source: plants
  plants:
    - {name: a, dc_capacity: 100 MW}
    - {name: b, dc_capacity: 50 MW, mounting: {type: single_axis}}
storage: {phases: [{name: p, power: 10 MW, energy: 20 MWh}]}
market: {energy_price: 300 yuan/MWh}
dispatch: {strategy: idle}
output: {pv_detail: true}
)";

// Hourly weather for two days: a clear-sky-like GHI bell, DNI/DHI optional.
std::string HourlyCsv(bool components, double ghi_scale = 1.0) {
  std::string out = components ? "time,ghi_w_m2,dni_w_m2,dhi_w_m2,temp_air_c,wind_speed_m_s\n"
                               : "time,ghi_w_m2,temp_air_c,wind_speed_m_s\n";
  for (int d = 0; d < 2; ++d) {
    for (int h = 0; h < 24; ++h) {
      // Local solar noon at Jiayuguan is ≈ 13:30 (+08:00 clock, 98.3° E).
      const double x = (h + 0.5 - 13.5) / 7.0;
      const double ghi = std::abs(x) < 1.0 ? ghi_scale * 950.0 * std::cos(x * M_PI / 2.0) : 0.0;
      char buf[160];
      if (components) {
        std::snprintf(buf, sizeof buf, "2025-06-%02dT%02d:00:00+08:00,%.1f,%.1f,%.1f,%.1f,3\n", 21 + d, h, ghi, ghi * 0.8,
                      ghi * 0.2, 15.0 + 10.0 * std::max(0.0, 1.0 - std::abs(x)));
      } else {
        std::snprintf(buf, sizeof buf, "2025-06-%02dT%02d:00:00+08:00,%.1f,%.1f,3\n", 21 + d, h, ghi,
                      15.0 + 10.0 * std::max(0.0, 1.0 - std::abs(x)));
      }
      out += buf;
    }
  }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(weather_input)

BOOST_AUTO_TEST_CASE(hourly_csv_shaped_within_the_hour_and_means_kept) {
  Scratch s("wx-hourly");
  const std::string f = s.Write("s.yaml", kScenario);
  s.Write("weather.csv", HourlyCsv(false));
  const Scenario sc = LoadScenario(f);
  PvDetail detail;
  const engine::Inputs in = BuildInputs(sc, &detail);
  BOOST_TEST_REQUIRE(in.axis.count == 192);
  BOOST_TEST_REQUIRE(detail.plants.size() == 2u);
  // Fleet AC is the sum of the plants, and bounded by the inverter ratings (100/1.25 + 50/1.25).
  for (Eigen::Index k = 0; k < in.axis.count; ++k) {
    BOOST_TEST_REQUIRE(in.pv_mw[k] == detail.plants[0].ac_mw[k] + detail.plants[1].ac_mw[k]);
    BOOST_TEST_REQUIRE(in.pv_mw[k] <= 120.0 + 1e-9);
    if (detail.sun.apparent_zenith_deg[k] >= 90.0) BOOST_TEST_REQUIRE(in.pv_mw[k] == 0.0);
  }
  BOOST_TEST(in.pv_mw.maxCoeff() > 50.0);
  BOOST_TEST(detail.sun.azimuth_deg.maxCoeff() > 270.0);  // sunset in the north-west in June
}

BOOST_AUTO_TEST_CASE(resampling_preserves_hourly_ghi) {
  // Run at 15 min from hourly data: each hour's mean GHI is what the file says.
  // Checked through a horizontal isotropic plant: with GHI only (Erbs keeps
  // GHI = DNI cos z + DHI at every step), its POA is exactly the resampled GHI.
  Scratch s("wx-mean");
  s.Write("weather.csv", HourlyCsv(false));
  const std::string f = s.Write("s.yaml", kScenario);
  LoadOptions o;
  o.sets = {"pv.plants=[{name: flat, dc_capacity: 1 MW, mounting: {type: fixed, tilt: 0 deg}, sky_model: isotropic}]"};
  const Scenario flat = LoadScenario(f, o);
  PvDetail d2;
  BuildInputs(flat, &d2);
  for (int h = 0; h < 48; ++h) {
    double mean = 0.0;
    for (int q = 0; q < 4; ++q) mean += d2.plants[0].poa_w_m2[4 * h + q];
    mean /= 4.0;
    const double x = (h % 24 + 0.5 - 13.5) / 7.0;
    const double want = std::abs(x) < 1.0 ? std::round(950.0 * std::cos(x * M_PI / 2.0) * 10.0) / 10.0 : 0.0;
    // Hours where the sun is up at some quarter are reshaped; the mean is kept exactly.
    BOOST_TEST(mean == want, boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(erbs_used_without_components) {
  Scratch s("wx-erbs");
  const std::string f = s.Write("s.yaml", kScenario);
  s.Write("weather.csv", HourlyCsv(false));
  const engine::Inputs a = BuildInputs(LoadScenario(f));
  s.Write("weather.csv", HourlyCsv(true));
  const engine::Inputs b = BuildInputs(LoadScenario(f));
  // Same GHI, different beam/diffuse split: both plausible and not identical.
  BOOST_TEST(a.pv_mw.sum() > 0.5 * b.pv_mw.sum());
  BOOST_TEST(a.pv_mw.sum() != b.pv_mw.sum());
}

BOOST_AUTO_TEST_CASE(weather_csv_errors_located) {
  Scratch s("wx-bad");
  const std::string f = s.Write("s.yaml", kScenario);
  std::string csv = HourlyCsv(false);
  csv.replace(csv.find(",3\n", 200), 3, ",-3\n");  // a negative wind speed in an early row
  s.Write("weather.csv", csv);
  try {
    BuildInputs(LoadScenario(f));
    BOOST_FAIL("expected an error");
  } catch (const ScenarioError& e) {
    BOOST_TEST(std::string(e.what()).find("weather.csv:") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("wind_speed_m_s") != std::string::npos);
  }
  // A finer weather step than the run step is refused (the issue: equal or a multiple).
  std::string fine = "time,ghi_w_m2,temp_air_c,wind_speed_m_s\n";
  for (int m = 0; m < 2 * 24 * 60; m += 5) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "2025-06-%02dT%02d:%02d:00+08:00,0,10,2\n", 21 + m / 1440, m / 60 % 24, m % 60);
    fine += buf;
  }
  s.Write("weather.csv", fine);
  try {
    BuildInputs(LoadScenario(f));
    BOOST_FAIL("expected an error");
  } catch (const ScenarioError& e) {
    BOOST_TEST(std::string(e.what()).find("a multiple of it") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(plants_need_a_site_and_valid_keys) {
  Scratch s("wx-site");
  std::string text = kScenario;
  text.erase(text.find("site:"), text.find('\n', text.find("site:")) - text.find("site:") + 1);
  const std::string f = s.Write("s.yaml", text);
  try {
    LoadScenario(f);
    BOOST_FAIL("expected an error");
  } catch (const ScenarioError& e) {
    BOOST_TEST(std::string(e.what()).find("missing key \"site\"") != std::string::npos);
  }
  LoadOptions o;
  o.sets = {"pv.plants[a].mounting.type=two_axis", "pv.plants[b].losses.soiling=[1 %, 2 %]"};
  const std::string g = s.Write("t.yaml", kScenario);
  try {
    LoadScenario(g, o);
    BOOST_FAIL("expected an error");
  } catch (const ScenarioError& e) {
    BOOST_TEST(std::string(e.what()).find("pv.plants[0].mounting.type") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("12 monthly values") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(synthetic_weather_same_seed_same_bits) {
  Scratch s("wx-syn");
  std::string text = kScenario;
  text.replace(text.find("weather: {source: csv, path: weather.csv}"), 41, "weather: {source: synthetic, seed: 3}");
  const std::string f = s.Write("s.yaml", text);
  const engine::Inputs a = BuildInputs(LoadScenario(f));
  const engine::Inputs b = BuildInputs(LoadScenario(f));
  BOOST_TEST((a.pv_mw == b.pv_mw).all());
  LoadOptions o;
  o.sets = {"weather.seed=4"};
  BOOST_TEST(!(BuildInputs(LoadScenario(f, o)).pv_mw == a.pv_mw).all());
}

BOOST_AUTO_TEST_CASE(issued_price_forecasts_from_csv) {
  Scratch s("fc-csv");
  const std::string f = s.Write("s.yaml", std::string(kScenario) + R"(compare: {strategies: [idle]}
)");
  s.Write("weather.csv", HourlyCsv(false));
  std::string good = "issue_time,target_time,price_yuan_per_mwh\n";
  for (int h = 0; h < 6; ++h) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "2025-06-21T00:00:00+08:00,2025-06-21T%02d:00:00+08:00,%d\n", h, 100 + h);
    good += buf;
  }
  s.Write("prices.csv", good);
  LoadOptions o;
  // Paths given with --set are relative to the working directory, not the scenario file.
  o.sets = {"dispatch.strategy=rolling_horizon", "dispatch.rolling_horizon.price_forecast={model: csv, path: " + s.Path("prices.csv") + "}"};
  const Scenario sc = LoadScenario(f, o);
  BOOST_TEST_REQUIRE((sc.rolling.price.kind == dispatch::ForecastKind::kIssued));
  BOOST_TEST_REQUIRE(sc.rolling.price.issued != nullptr);
  BOOST_TEST(sc.rolling.price.issued->value.size() == 6u);
  s.Write("prices.csv", good + "2025-06-21T03:00:00+08:00,2025-06-21T01:00:00+08:00,5\n");  // a hindcast row
  try {
    LoadScenario(f, o);
    BOOST_FAIL("expected an error");
  } catch (const ScenarioError& e) {
    BOOST_TEST(std::string(e.what()).find("prices.csv:8:") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("at or after the issue time") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(weather_repeated_yearly_by_local_date) {
  // One year of hourly weather from 2025-01-01 (+08:00) whose temperature encodes the day
  // of the year; a three-year run (2027 is not a leap year, 2028 is) repeats it by date.
  Scratch s("wx-yearly");
  std::string csv = "time,ghi_w_m2,temp_air_c,wind_speed_m_s\n";
  const std::int64_t start = DaysFromCivil(2025, 1, 1) * 86400 - 8 * 3600;
  for (std::int64_t h = 0; h < 365 * 24; ++h) {
    const double x = (h % 24 + 0.5 - 13.5) / 6.0;
    const double ghi = std::abs(x) < 1.0 ? 700.0 * std::cos(x * M_PI / 2.0) : 0.0;
    csv += FormatIsoTime(start + h * 3600, 8 * 3600) + fmt::format(",{:.1f},{},2\n", ghi, static_cast<double>(h / 24) / 10.0);
  }
  s.Write("weather.csv", csv);
  std::string text = kScenario;
  text.replace(text.find("time: {start: 2025-06-21T00:00:00+08:00, duration: 2 d, step: 15 min}"),
               std::string("time: {start: 2025-06-21T00:00:00+08:00, duration: 2 d, step: 15 min}").size(),
               "time: {start: 2025-01-01T00:00:00+08:00, end: 2028-03-02T00:00:00+08:00, step: 1 h}");
  text.replace(text.find("weather: {source: csv, path: weather.csv}"), std::string("weather: {source: csv, path: weather.csv}").size(),
               "weather: {source: csv, path: weather.csv, repeat_yearly: true}");
  const Scenario sc = LoadScenario(s.Write("wx.yaml", text));
  const engine::Inputs in = BuildInputs(sc);
  BOOST_TEST_REQUIRE(in.temp_air_c.size() == sc.axis.count);
  for (std::int64_t k = 0; k < sc.axis.count; ++k) {
    std::int64_t y;
    unsigned m, d;
    CivilFromDays((sc.axis.TimeAt(k) + 8 * 3600) / 86400, &y, &m, &d);
    const unsigned day = m == 2 && d == 29 ? 28 : d;  // 2028-02-29 takes 28 February
    const std::int64_t doy = DaysFromCivil(2025, m, day) - DaysFromCivil(2025, 1, 1);
    BOOST_TEST_REQUIRE(in.temp_air_c[k] == static_cast<double>(doy) / 10.0);
  }
  // PV: the same weather a year later gives nearly the same energy (the sun is recomputed).
  const std::int64_t year = 365 * 24;
  const double y1 = in.pv_mw.segment(0, year).sum(), y2 = in.pv_mw.segment(year, year).sum();
  BOOST_TEST(std::abs(y2 - y1) / y1 < 0.01);
}

BOOST_AUTO_TEST_SUITE_END()
