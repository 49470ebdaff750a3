// Time-of-use prices, floor and cap, capacity compensation.
#define BOOST_TEST_MODULE essim_market
#include <boost/test/unit_test.hpp>

#include "sim/market/price.h"
#include "sim/market/settlement.h"

using namespace essim;
using namespace essim::market;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(market)

BOOST_AUTO_TEST_CASE(tou_lookup_with_wrap_and_month_override) {
  TouConfig tou;
  tou.base.periods = {{22 * 3600, 6 * 3600, 200.0}, {6 * 3600, 18 * 3600, 50.0}, {18 * 3600, 22 * 3600, 500.0}};
  TouTable winter;
  winter.months = {1};
  winter.periods = {{0, 86400, 999.0}};
  tou.overrides = {winter};
  BOOST_TEST(ValidateTouTable(tou.base).empty());
  BOOST_TEST(ValidateTouTable(winter).empty());
  // 2024-12-31T00:00+08:00, hourly, 48 steps: December uses the base, January the override.
  const TimeAxis axis{1735574400, 3600, 48, 28800};
  const Series p = TouPrices(tou, axis);
  BOOST_TEST(p[0] == 200.0);    // 00:00 wraps from 22:00
  BOOST_TEST(p[5] == 200.0);
  BOOST_TEST(p[6] == 50.0);
  BOOST_TEST(p[17] == 50.0);
  BOOST_TEST(p[18] == 500.0);
  BOOST_TEST(p[22] == 200.0);
  BOOST_TEST(p[24] == 999.0);   // 2025-01-01
  BOOST_TEST(p[47] == 999.0);
}

BOOST_AUTO_TEST_CASE(tou_validation_finds_gaps_and_overlaps) {
  TouTable t;
  t.periods = {{0, 10 * 3600, 1.0}, {12 * 3600, 86400, 2.0}};
  auto e = ValidateTouTable(t);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(e[0].find("10:00-12:00 uncovered") != std::string::npos);
  t.periods = {{0, 14 * 3600, 1.0}, {12 * 3600, 86400, 2.0}};
  e = ValidateTouTable(t);
  BOOST_TEST_REQUIRE(e.size() == 1u);
  BOOST_TEST(e[0].find("12:00-14:00 covered more than once") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(floor_and_cap) {
  Series p(5);
  p << 10.0, 40.0, 300.0, 650.0, 900.0;
  BOOST_TEST(ClampPrices(&p, 40.0, 650.0) == 2);
  BOOST_TEST(p[0] == 40.0);
  BOOST_TEST(p[4] == 650.0);
  BOOST_TEST(p[2] == 300.0);
}

BOOST_AUTO_TEST_CASE(gansu_capacity_compensation) {
  // Gansu NDRC draft 2025-07 as analysed: 330 × 47.5 % × (1 − 1.74 %) × 89.53 % ≈ 137.9 yuan/kW/yr.
  CapacityConfig c{330.0, {0.475, 1.0 - 0.0174, 0.8953}};
  const double year = CapacityRevenue(c, 1.0 / 1000.0, 365 * 86400);  // 1 kW for a year
  BOOST_TEST(year == 137.9, tt::tolerance(0.001));
  // 500 MW for half of a 365-day year.
  BOOST_TEST(CapacityRevenue(c, 500.0, 365 * 86400 / 2) == year * 500000.0 / 2.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
