// CSV series: one-to-one, held (coarser data), averaged (finer data), and located errors.
#include <boost/test/unit_test.hpp>

#include "sim/io/csv.h"
#include "tests/io/test_support.h"

using namespace essim;
using namespace essim::io;
using essim::test::Scratch;

namespace {
const TimeAxis kAxis{1747008000, 900, 8, 28800};  // 2025-05-12T08:00+08:00, 8 × 15 min

std::optional<Series> Read(const std::string& path, Diagnostics* d, double lo = 0.0) {
  SourceSet sources;
  return ReadCsvSeries(CsvRequest{path, "v", lo, SourceMark{"s.yaml", 3, 9}, "x.path"}, kAxis, &sources, d);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(csv)

BOOST_AUTO_TEST_CASE(one_year_repeated_by_local_date_and_time) {
  // Hourly values encoding local month, day and hour, for the first year of a run that
  // starts on 2025-07-01 (+08:00), so the file runs to 2026-07-01; the run lasts four years.
  Scratch s("csv-yearly");
  std::string text = "time,v\n";
  const std::int64_t start = DaysFromCivil(2025, 7, 1) * 86400 - 8 * 3600;
  for (std::int64_t h = 0; h < 365 * 24; ++h) {
    std::int64_t y;
    unsigned m, d;
    const std::int64_t local = start + h * 3600 + 8 * 3600;
    CivilFromDays(local / 86400, &y, &m, &d);
    text += FormatIsoTime(start + h * 3600, 8 * 3600) + "," + std::to_string(m * 10000 + d * 100 + (local % 86400) / 3600) + "\n";
  }
  const std::string path = s.Write("year.csv", text);
  const TimeAxis axis{start, 3600, 4 * 365 * 24 + 24, 8 * 3600};  // to mid-2029, across 29 Feb 2028
  SourceSet sources;
  Diagnostics d;
  const auto v = ReadCsvSeriesYearly(CsvRequest{path, "v", 0.0, SourceMark{"s.yaml", 3, 9}, "x.path"}, axis, &sources, &d);
  BOOST_TEST_REQUIRE(d.empty(), d.Render(sources));
  BOOST_TEST_REQUIRE(v.has_value());
  for (std::int64_t k = 0; k < axis.count; ++k) {
    std::int64_t y;
    unsigned m, day;
    const std::int64_t local = axis.TimeAt(k) + 8 * 3600;
    CivilFromDays(local / 86400, &y, &m, &day);
    const unsigned want_day = m == 2 && day == 29 ? 28 : day;
    BOOST_TEST_REQUIRE((*v)[k] == m * 10000 + want_day * 100 + (local % 86400) / 3600);
  }
  // A file shorter than the first year is an error, located in the file.
  const std::string short_path = s.Write("short.csv", text.substr(0, text.size() / 2));
  Diagnostics d2;
  BOOST_TEST(!ReadCsvSeriesYearly(CsvRequest{short_path, "v", 0.0, SourceMark{"s.yaml", 3, 9}, "x.path"}, axis, &sources, &d2));
  BOOST_TEST(!d2.empty());
}

BOOST_AUTO_TEST_CASE(same_step_and_extra_columns) {
  Scratch s("csv-same");
  std::string text = "# comment\nother,time,v\n";  // 08:00, 08:15, ..., 09:45
  for (int k = 0; k < 8; ++k) {
    const int m = 8 * 60 + 15 * k;
    char buf[64];
    std::snprintf(buf, sizeof buf, "x,2025-05-12T%02d:%02d:00+08:00,%d\n", m / 60, m % 60, k);
    text += buf;
  }
  Diagnostics d;
  auto v = Read(s.Write("a.csv", text), &d);
  BOOST_TEST_REQUIRE(v.has_value());
  for (int k = 0; k < 8; ++k) BOOST_TEST((*v)[k] == k);
}

BOOST_AUTO_TEST_CASE(coarser_is_held_finer_is_averaged) {
  Scratch s("csv-resample");
  // Hourly, starting before the run, in UTC: 00:00Z = 08:00+08:00.
  const std::string hourly = "time,v\n2025-05-11T23:00:00Z,5\n2025-05-12T00:00:00Z,10\n2025-05-12T01:00:00Z,20\n2025-05-12T02:00:00Z,30\n";
  Diagnostics d;
  auto h = Read(s.Write("h.csv", hourly), &d);
  BOOST_TEST_REQUIRE(h.has_value());
  for (int k = 0; k < 4; ++k) BOOST_TEST((*h)[k] == 10.0);
  for (int k = 4; k < 8; ++k) BOOST_TEST((*h)[k] == 20.0);
  // 5-minute data: each 15-minute step is the mean of three values.
  std::string fine = "time,v\n";
  for (int j = 0; j < 24; ++j) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "2025-05-12T%02d:%02d:00+08:00,%d\n", 8 + j * 5 / 60, j * 5 % 60, j);
    fine += buf;
  }
  auto f = Read(s.Write("f.csv", fine), &d);
  BOOST_TEST_REQUIRE(f.has_value());
  for (int k = 0; k < 8; ++k) BOOST_TEST((*f)[k] == 3.0 * k + 1.0);  // mean of 3k, 3k+1, 3k+2
  BOOST_TEST(d.empty());
}

BOOST_AUTO_TEST_CASE(errors_are_located_in_the_csv) {
  Scratch s("csv-bad");
  Diagnostics d;
  Read(s.Write("dup.csv", "time,v\n2025-05-12T08:00:00+08:00,1\n2025-05-12T08:00:00+08:00,2\n"), &d);
  BOOST_TEST_REQUIRE(d.size() >= 1u);
  BOOST_TEST(d.items()[0].mark.line == 3);
  BOOST_TEST(d.items()[0].message.find("duplicate") != std::string::npos);

  Diagnostics d2;
  Read(s.Write("neg.csv", "time,v\n2025-05-12T08:00:00+08:00,1\n2025-05-12T08:15:00+08:00,-2\n"), &d2);
  BOOST_TEST_REQUIRE(d2.size() >= 1u);
  BOOST_TEST(d2.items()[0].mark.line == 3);
  BOOST_TEST(d2.items()[0].mark.column == 27);
  BOOST_TEST(d2.items()[0].message.find("expected a value >= 0") != std::string::npos);

  Diagnostics d3;
  Read(s.Write("col.csv", "time,w\n2025-05-12T08:00:00+08:00,1\n"), &d3);
  BOOST_TEST_REQUIRE(d3.size() == 1u);
  BOOST_TEST(d3.items()[0].message.find("the column \"v\"") != std::string::npos);

  Diagnostics d4;
  Read(s.Write("step.csv", "time,v\n2025-05-12T08:00:00+08:00,1\n2025-05-12T08:10:00+08:00,1\n2025-05-12T08:20:00+08:00,1\n"), &d4);
  BOOST_TEST_REQUIRE(d4.size() >= 1u);
  BOOST_TEST(d4.items()[0].message.find("divides or is a multiple") != std::string::npos);

  Diagnostics d5;
  Read(s.Write("inf.csv", "time,v\n2025-05-12T08:00:00+08:00,inf\n"), &d5);
  BOOST_TEST_REQUIRE(d5.size() >= 1u);
  BOOST_TEST(d5.items()[0].message.find("finite") != std::string::npos);

  Diagnostics d6;
  Read(s.Path("none.csv"), &d6);
  BOOST_TEST_REQUIRE(d6.size() == 1u);
  BOOST_TEST(d6.items()[0].mark.file == "s.yaml");  // located at the key that names it
  BOOST_TEST(d6.items()[0].mark.line == 3);

  Diagnostics d7;
  Read(s.Write("empty.csv", ""), &d7);
  BOOST_TEST_REQUIRE(d7.size() == 1u);
  BOOST_TEST(d7.items()[0].message.find("empty file") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
