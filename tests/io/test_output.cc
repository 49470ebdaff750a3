// Outputs: atomic writes (a failed run leaves earlier files untouched), CSV columns
// with units, numbers that round-trip exactly.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>
#include <fstream>
#include <sstream>

#include "sim/io/atomic_file.h"
#include "sim/io/output.h"
#include "tests/io/test_support.h"
#include "tests/pieces.h"

using namespace essim;
using namespace essim::io;
using essim::test::Scratch;

namespace {
std::string Slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(output)

BOOST_AUTO_TEST_CASE(uncommitted_set_leaves_old_files) {
  Scratch s("atomic");
  {
    AtomicFileSet files(s.Path("out"));
    files.Write("a.txt", "old a");
    files.Write("b.txt", "old b");
    files.Commit();
  }
  {
    AtomicFileSet files(s.Path("out"));
    files.Write("a.txt", "new a");
    // b.txt never written: the run "fails" here and the set is destroyed uncommitted.
  }
  BOOST_TEST(Slurp(s.Path("out/a.txt")) == "old a");
  BOOST_TEST(Slurp(s.Path("out/b.txt")) == "old b");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(s.Path("out"))) ++entries;
  BOOST_TEST(entries == 2);  // no temporary file left behind
}

BOOST_AUTO_TEST_CASE(file_written_in_pieces_fails_cleanly) {
  // A file made piece by piece (timeseries.csv): the pieces land in order; a failure
  // part-way leaves the earlier file whole and no temporary file behind.
  Scratch s("atomic-pieces");
  {
    AtomicFileSet files(s.Path("out"));
    files.WriteWith("t.csv", [](const std::function<void(std::string_view)>& append) {
      append("a,");
      append("");
      append("b\n");
    });
    files.Commit();
  }
  BOOST_TEST(Slurp(s.Path("out/t.csv")) == "a,b\n");
  {
    AtomicFileSet files(s.Path("out"));
    BOOST_CHECK_THROW(files.WriteWith("t.csv",
                                      [](const std::function<void(std::string_view)>& append) {
                                        append("half a file");
                                        throw std::runtime_error("formatting failed");
                                      }),
                      std::runtime_error);
  }
  BOOST_TEST(Slurp(s.Path("out/t.csv")) == "a,b\n");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(s.Path("out"))) ++entries;
  BOOST_TEST(entries == 1);
}

BOOST_AUTO_TEST_CASE(unwritable_folder_throws_before_touching) {
  Scratch s("atomic-bad");
  s.Write("file", "x");
  BOOST_CHECK_THROW(AtomicFileSet(s.Path("file/sub")), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(timeseries_header_and_exact_numbers) {
  engine::RunResult r;
  r.axis = TimeAxis{1735660800, 900, 2, 28800};
  for (auto* x : {&r.pv_mw, &r.curtailed_mw, &r.load_mw, &r.aux_mw, &r.setpoint_mw, &r.charge_mw, &r.discharge_mw,
                  &r.export_mw, &r.import_mw, &r.price_yuan_per_mwh, &r.soc_mwh, &r.station_loss_mw, &r.charge_loss_mw,
                  &r.discharge_loss_mw, &r.self_discharge_loss_mw, &r.loss_pcs_mw, &r.loss_battery_mw, &r.loss_skid_tx_mw,
                  &r.loss_main_tx_mw, &r.aux_load_mw, &r.loss_fade_mw, &r.temp_air_c, &r.available_mw}) {
    *x = Series::Zero(2);
  }
  r.pv_mw[1] = 0.1 + 0.2;  // 0.30000000000000004 must survive the round trip
  r.phase_names = {"phase-1"};
  r.phase_soc_mwh = Eigen::MatrixXd::Constant(2, 1, 500.0);
  r.phase_capacity_mwh = Eigen::MatrixXd::Constant(2, 1, 1000.0);
  r.physics = true;  // a station with the physics on: the by-cause columns too
  const std::string csv = TimeseriesCsv(r);
  const std::string header = csv.substr(0, csv.find('\n'));
  for (const char* col : {"time", "pv_mw", "curtailed_mw", "load_mw", "charge_mw", "discharge_mw", "export_mw",
                          "import_mw", "price_yuan_per_mwh", "soc_mwh", "station_loss_mw", "aux_mw", "soc_mwh[phase-1]",
                          "loss_pcs_mw", "loss_battery_mw", "loss_skid_tx_mw", "loss_main_tx_mw", "aux_load_mw", "loss_fade_mw",
                          "temp_air_c", "available_mw", "capacity_mwh[phase-1]"}) {
    BOOST_TEST(header.find(col) != std::string::npos, "missing column " << col);
  }
  BOOST_TEST(csv.find("\n2025-01-01T00:15:00+08:00,0.30000000000000004,") != std::string::npos);
  BOOST_TEST(std::stod("0.30000000000000004") == 0.1 + 0.2);
}

BOOST_AUTO_TEST_CASE(timeseries_pieces_are_whole_rows_and_make_the_text) {
  // A year at 15 minutes comes out in pieces of about 1 MB, each ending at a row's end;
  // together they are exactly the text made at once.
  const std::int64_t n = 35040;
  engine::RunResult r;
  r.axis = TimeAxis{1735660800, 900, n, 28800};
  int i = 0;
  for (auto* x : {&r.pv_mw, &r.curtailed_mw, &r.load_mw, &r.aux_mw, &r.setpoint_mw, &r.charge_mw, &r.discharge_mw,
                  &r.export_mw, &r.import_mw, &r.price_yuan_per_mwh, &r.soc_mwh, &r.station_loss_mw, &r.charge_loss_mw,
                  &r.discharge_loss_mw, &r.self_discharge_loss_mw}) {
    *x = Series::LinSpaced(n, 0.1 * ++i, 1000.0 / 3.0);  // (long decimals: ~15 MB of text)
  }
  r.phase_names = {"phase-1"};
  r.phase_soc_mwh = Eigen::MatrixXd::Constant(n, 1, 500.0 / 7.0);
  std::size_t pieces = 0;
  const std::string joined = test::JoinWholeLinePieces(
      [&](const std::function<void(std::string_view)>& emit) { TimeseriesCsvTo(r, nullptr, nullptr, emit); }, &pieces);
  BOOST_TEST(pieces > 5u);
  BOOST_TEST((joined == TimeseriesCsv(r)));
  BOOST_TEST(std::count(joined.begin(), joined.end(), '\n') == n + 1);
}

BOOST_AUTO_TEST_SUITE_END()
