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
