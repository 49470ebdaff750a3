// Unit conversions: exact for exact factors, and located "expected ..., found ..." errors.
#include <boost/test/unit_test.hpp>

#include <string>

#include "sim/core/units.h"

using essim::Dim;
using essim::ParseQuantity;

namespace {
double Q(const char* text, Dim dim, bool bare = false) {
  std::string err;
  auto v = ParseQuantity(text, dim, &err, bare);
  BOOST_TEST_REQUIRE(v.has_value(), "parse failed: " << text << ": " << err);
  return *v;
}
std::string Err(const char* text, Dim dim, bool bare = false) {
  std::string err;
  auto v = ParseQuantity(text, dim, &err, bare);
  BOOST_TEST(!v.has_value(), "expected failure: " << text);
  return err;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(units)

BOOST_AUTO_TEST_CASE(power_to_mw_exact) {
  BOOST_TEST(Q("500 MW", Dim::kPower) == 500.0);
  BOOST_TEST(Q("1.5 GW", Dim::kPower) == 1500.0);
  BOOST_TEST(Q("2500 kW", Dim::kPower) == 2.5);
  BOOST_TEST(Q("2000000 W", Dim::kPower) == 2.0);
  BOOST_TEST(Q("500MW", Dim::kPower) == 500.0);      // no space is fine
  BOOST_TEST(Q("  +500 MW ", Dim::kPower) == 500.0);
  BOOST_TEST(Q("-20 MW", Dim::kPower) == -20.0);     // sign kept; ranges are checked by the schema
}

BOOST_AUTO_TEST_CASE(energy_duration_angle) {
  BOOST_TEST(Q("1000 MWh", Dim::kEnergy) == 1000.0);
  BOOST_TEST(Q("2 GWh", Dim::kEnergy) == 2000.0);
  BOOST_TEST(Q("5000 kWh", Dim::kEnergy) == 5.0);
  BOOST_TEST(Q("15 min", Dim::kDuration) == 900.0);
  BOOST_TEST(Q("2 h", Dim::kDuration) == 7200.0);
  BOOST_TEST(Q("1 d", Dim::kDuration) == 86400.0);
  BOOST_TEST(Q("30 s", Dim::kDuration) == 30.0);
  BOOST_TEST(Q("35 deg", Dim::kAngle) == 35.0);
  BOOST_TEST(Q("1600 m", Dim::kLength) == 1600.0);
  BOOST_TEST(Q("1.6 km", Dim::kLength) == 1600.0);
}

BOOST_AUTO_TEST_CASE(fraction_percent_and_bare_ratio) {
  BOOST_TEST(Q("50 %", Dim::kFraction) == 0.5);
  BOOST_TEST(Q("0.95", Dim::kFraction, true) == 0.95);
  BOOST_TEST(Err("0.95", Dim::kFraction).find("without a unit") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(prices_and_rates) {
  BOOST_TEST(Q("300 yuan/MWh", Dim::kPrice) == 300.0);
  BOOST_TEST(Q("0.3 yuan/kWh", Dim::kPrice) == 300.0);
  BOOST_TEST(Q("330 yuan/kW/yr", Dim::kCapacityPrice) == 330.0);
  BOOST_TEST(Q("330000 yuan/MW/yr", Dim::kCapacityPrice) == 330.0);
  BOOST_TEST(Q("10 MW/min", Dim::kRampRate) == 10.0);
  BOOST_TEST(Q("1 MW/s", Dim::kRampRate) == 60.0);
  BOOST_TEST(Q("60 MW/h", Dim::kRampRate) == 1.0);
  BOOST_TEST(Q("1 %/day", Dim::kRatePerDay) == 0.01);
  BOOST_TEST(Q("95 %", Dim::kFraction) == 0.95);  // exact: 95 / 100, not 95 × 0.01
  // 3 %/month over the mean Gregorian month of 30.436875 d.
  BOOST_TEST(Q("3 %/month", Dim::kRatePerDay) == 3.0 / (100.0 * 30.436875));
}

BOOST_AUTO_TEST_CASE(errors_name_units) {
  const std::string e = Err("1000 MW", Dim::kEnergy);
  BOOST_TEST(e.find("expected energy") != std::string::npos);
  BOOST_TEST(e.find("Wh, kWh, MWh, GWh") != std::string::npos);
  BOOST_TEST(e.find("found \"1000 MW\"") != std::string::npos);
  BOOST_TEST(Err("500", Dim::kPower).find("without a unit") != std::string::npos);
  BOOST_TEST(Err("lots MW", Dim::kPower).find("found \"lots MW\"") != std::string::npos);
  BOOST_TEST(Err(".inf MWh", Dim::kEnergy).find("non-finite") != std::string::npos);
  BOOST_TEST(Err("nan MW", Dim::kPower).find("non-finite") != std::string::npos);
  BOOST_TEST(Err("inf MW", Dim::kPower).find("non-finite") != std::string::npos);
  BOOST_TEST(Err("", Dim::kPower).find("empty") != std::string::npos);
  BOOST_TEST(Err("5 mw", Dim::kPower).find("unknown unit \"mw\"") != std::string::npos);  // case matters (mW vs MW)
}

BOOST_AUTO_TEST_CASE(bare_numbers) {
  std::string err;
  BOOST_TEST(essim::ParseNumber("1e3", &err).value() == 1000.0);
  BOOST_TEST(!essim::ParseNumber("1e3x", &err).has_value());
  BOOST_TEST(!essim::ParseNumber(".nan", &err).has_value());
  BOOST_TEST(err.find("finite") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
