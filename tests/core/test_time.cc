// Calendar arithmetic and ISO 8601 with offsets.
#include <boost/test/unit_test.hpp>

#include <string>

#include "sim/core/time.h"

using namespace essim;

BOOST_AUTO_TEST_SUITE(time_axis)

BOOST_AUTO_TEST_CASE(days_from_civil_known_dates) {
  BOOST_TEST(DaysFromCivil(1970, 1, 1) == 0);
  BOOST_TEST(DaysFromCivil(2000, 3, 1) == 11017);
  BOOST_TEST(DaysFromCivil(2025, 1, 1) == 20089);  // 2025-01-01 = Unix day 20089 (1735689600 / 86400)
  BOOST_TEST(DaysFromCivil(1969, 12, 31) == -1);
  for (std::int64_t z = -800000; z < 800000; z += 997) {
    std::int64_t y;
    unsigned m, d;
    CivilFromDays(z, &y, &m, &d);
    BOOST_TEST_REQUIRE(DaysFromCivil(y, m, d) == z);
  }
}

BOOST_AUTO_TEST_CASE(parse_with_offsets) {
  std::string err;
  auto t = ParseIsoTime("2025-01-01T00:00:00+08:00", &err);
  BOOST_TEST_REQUIRE(t.has_value());
  BOOST_TEST(t->unix_s == 1735660800);  // 2024-12-31T16:00:00Z
  BOOST_TEST(t->offset_s == 28800);
  BOOST_TEST(ParseIsoTime("2024-12-31T16:00:00Z", &err)->unix_s == 1735660800);
  BOOST_TEST(ParseIsoTime("2024-12-31 09:00-07:00", &err)->unix_s == 1735660800);
  BOOST_TEST(ParseIsoTime("2025-01-01T00:00:00+0800", &err)->unix_s == 1735660800);
  BOOST_TEST(ParseIsoTime("2024-02-29T00:00:00Z", &err).has_value());  // leap day
}

BOOST_AUTO_TEST_CASE(parse_rejects) {
  std::string err;
  BOOST_TEST(!ParseIsoTime("2025-01-01T00:00:00", &err).has_value());
  BOOST_TEST(err.find("no UTC offset") != std::string::npos);
  BOOST_TEST(!ParseIsoTime("2025-01-01", &err).has_value());
  BOOST_TEST(!ParseIsoTime("2025-02-29T00:00:00Z", &err).has_value());  // not a leap year
  BOOST_TEST(!ParseIsoTime("2025-13-01T00:00:00Z", &err).has_value());
  BOOST_TEST(!ParseIsoTime("2025-01-01T24:00:00Z", &err).has_value());
  BOOST_TEST(!ParseIsoTime("2025-01-01T00:00:00+08:00junk", &err).has_value());
  BOOST_TEST(!ParseIsoTime("2025-01-01T00:00:00.5Z", &err).has_value());
}

BOOST_AUTO_TEST_CASE(format_round_trip) {
  BOOST_TEST(FormatIsoTime(1735660800, 28800) == "2025-01-01T00:00:00+08:00");
  BOOST_TEST(FormatIsoTime(1735660800, 0) == "2024-12-31T16:00:00+00:00");
  BOOST_TEST(FormatIsoTime(1735660800, -5 * 3600 - 1800) == "2024-12-31T10:30:00-05:30");
  std::string err;
  for (std::int64_t t = 946684800; t < 2000000000; t += 7777777) {
    BOOST_TEST_REQUIRE(ParseIsoTime(FormatIsoTime(t, 28800), &err)->unix_s == t);
  }
}

BOOST_AUTO_TEST_CASE(axis_local_clock) {
  TimeAxis a{1735660800, 900, 96, 28800};  // 2025-01-01 local, 15 min
  BOOST_TEST(a.LocalSecondOfDay(0) == 0);
  BOOST_TEST(a.LocalSecondOfDay(4) == 3600);
  BOOST_TEST(a.LocalSecondOfDay(95) == 86400 - 900);
  BOOST_TEST(a.LocalMonth(0) == 1);
  BOOST_TEST(a.dt_h() == 0.25);
  BOOST_TEST(a.EndTime() == 1735660800 + 86400);
  TimeAxis b{1735660800 - 900, 900, 2, 28800};  // 2024-12-31T23:45 local
  BOOST_TEST(b.LocalMonth(0) == 12);
  BOOST_TEST(b.LocalMonth(1) == 1);
  std::string err;
  BOOST_TEST(ParseClock("18:30", &err).value() == 66600);
  BOOST_TEST(ParseClock("24:00", &err).value() == 86400);
  BOOST_TEST(!ParseClock("24:01", &err).has_value());
  BOOST_TEST(!ParseClock("7:00", &err).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
