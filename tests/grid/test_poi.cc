// Node balance at the point of interconnection: curtailment only where PV exceeds what
// load, aux, charging and export take; grid rules bound the station.
#define BOOST_TEST_MODULE essim_grid
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "sim/grid/poi.h"
#include "tests/tolerances.h"

using namespace essim::grid;

namespace {
double Imbalance(const NodeInput& in, const NodeFlows& f) {
  return in.pv_mw - f.curtailed_mw + f.import_mw + f.discharge_mw - in.load_mw - in.aux_mw - f.charge_mw - f.export_mw;
}
const StationRange kStation{200.0, 150.0, 0.0, -1e300, 1e300};
}  // namespace

BOOST_AUTO_TEST_SUITE(poi)

BOOST_AUTO_TEST_CASE(idle_with_export_limit_curtails_excess) {
  NodeInput in{1000.0, 100.0, 10.0, 600.0, 500.0};
  NodeFlows f = ResolveNode(in, kStation, GridConfig{}, 0.0);
  BOOST_TEST(f.export_mw == 600.0);
  BOOST_TEST(f.curtailed_mw == 290.0);  // 1000 − 100 − 10 − 600
  BOOST_TEST(Imbalance(in, f) == 0.0);
}

BOOST_AUTO_TEST_CASE(charging_absorbs_would_be_curtailment) {
  NodeInput in{1000.0, 100.0, 10.0, 600.0, 500.0};
  NodeFlows f = ResolveNode(in, kStation, GridConfig{}, -150.0);
  BOOST_TEST(f.charge_mw == 150.0);
  BOOST_TEST(f.curtailed_mw == 140.0);
  BOOST_TEST(f.export_mw == 600.0);
  f = ResolveNode(in, kStation, GridConfig{}, -500.0);  // capability 200 MW
  BOOST_TEST(f.charge_mw == 200.0);
  BOOST_TEST(f.curtailed_mw == 90.0);
}

BOOST_AUTO_TEST_CASE(never_discharge_into_curtailment) {
  NodeInput in{700.0, 50.0, 0.0, 600.0, 500.0};  // surplus 650 > export limit 600
  NodeFlows f = ResolveNode(in, kStation, GridConfig{}, 100.0);
  BOOST_TEST(f.discharge_mw == 0.0);
  BOOST_TEST(f.curtailed_mw == 50.0);
  in.pv_mw = 500.0;  // surplus 450: 150 MW of headroom
  f = ResolveNode(in, kStation, GridConfig{}, 150.0);
  BOOST_TEST(f.discharge_mw == 150.0);
  BOOST_TEST(f.export_mw == 600.0);
  BOOST_TEST(f.curtailed_mw == 0.0);
  in.pv_mw = 550.0;  // headroom 100 MW
  f = ResolveNode(in, kStation, GridConfig{}, 150.0);
  BOOST_TEST(f.discharge_mw == 100.0);
}

BOOST_AUTO_TEST_CASE(no_grid_charging_limits_to_pv_surplus) {
  NodeInput in{300.0, 100.0, 20.0, 1000.0, 1000.0};
  NodeFlows f = ResolveNode(in, kStation, GridConfig{false}, -200.0);
  BOOST_TEST(f.charge_mw == 180.0);
  BOOST_TEST(f.import_mw == 0.0);
  BOOST_TEST(f.export_mw == 0.0);
  in.pv_mw = 0.0;
  f = ResolveNode(in, kStation, GridConfig{false}, -200.0);
  BOOST_TEST(f.charge_mw == 0.0);
  BOOST_TEST(f.import_mw == 120.0);
}

BOOST_AUTO_TEST_CASE(import_limit_bounds_charging) {
  NodeInput in{0.0, 100.0, 0.0, 1000.0, 250.0};
  NodeFlows f = ResolveNode(in, kStation, GridConfig{}, -200.0);
  BOOST_TEST(f.charge_mw == 150.0);
  BOOST_TEST(f.import_mw == 250.0);
  BOOST_TEST(!f.import_over_limit);
  in.load_mw = 300.0;  // the load alone exceeds the limit: flagged, no charging
  f = ResolveNode(in, kStation, GridConfig{}, -200.0);
  BOOST_TEST(f.charge_mw == 0.0);
  BOOST_TEST(f.import_mw == 300.0);
  BOOST_TEST(f.import_over_limit);
}

BOOST_AUTO_TEST_CASE(ramp_window_and_standby) {
  NodeInput in{0.0, 0.0, 0.0, 1000.0, 1000.0};
  StationRange st = kStation;
  st.ramp_lo_mw = -50.0;
  st.ramp_hi_mw = 50.0;
  BOOST_TEST(ResolveNode(in, st, GridConfig{}, 120.0).discharge_mw == 50.0);
  BOOST_TEST(ResolveNode(in, st, GridConfig{}, -120.0).charge_mw == 50.0);
  st = kStation;
  st.standby_mw = 0.5;  // a phase at SOC min replaces its self-discharge while others discharge
  NodeFlows f = ResolveNode(in, st, GridConfig{}, 100.0);
  BOOST_TEST(f.discharge_mw == 100.0);
  BOOST_TEST(f.charge_mw == 0.5);
  BOOST_TEST(f.net_mw == 100.0);
  BOOST_TEST(Imbalance(in, f) == 0.0);
  // Standby is taken even when grid charging is not allowed and nothing else is asked.
  f = ResolveNode(in, st, GridConfig{false}, 0.0);
  BOOST_TEST(f.charge_mw == 0.5);
  BOOST_TEST(f.import_mw == 0.5);
}

BOOST_AUTO_TEST_CASE(balance_closes_on_a_grid_of_cases) {
  for (double pv : {0.0, 120.0, 480.0, 900.0, 1500.0})
    for (double load : {0.0, 80.0, 400.0})
      for (double sp : {-300.0, -90.0, 0.0, 60.0, 400.0})
        for (bool grid_charge : {true, false}) {
          NodeInput in{pv, load, 5.0, 700.0, 300.0};
          const NodeFlows f = ResolveNode(in, kStation, GridConfig{grid_charge}, sp);
          BOOST_TEST(std::abs(Imbalance(in, f)) <= essim::test::kLedgerAtolMw);
          BOOST_TEST(f.curtailed_mw >= 0.0);
          BOOST_TEST(f.curtailed_mw <= pv);
          BOOST_TEST(f.export_mw <= 700.0 + 1e-12);
          BOOST_TEST((f.charge_mw == 0.0 || f.discharge_mw == 0.0));
          BOOST_TEST((f.export_mw == 0.0 || f.import_mw == 0.0));
          // Curtailment only when export is at its limit.
          if (f.curtailed_mw > 0.0) BOOST_TEST(f.export_mw == 700.0, boost::test_tools::tolerance(1e-12));
        }
}

BOOST_AUTO_TEST_SUITE_END()
