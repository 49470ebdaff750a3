// Station physics on hand-checkable cases: exact SOC after a few steps, limits, losses
// by cause, self-discharge, commissioning, the station ledger.
#define BOOST_TEST_MODULE essim_storage
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "sim/storage/station.h"
#include "tests/tolerances.h"

using namespace essim;
using namespace essim::storage;
namespace tt = boost::test_tools;

namespace {
// One phase 100 MW / 200 MWh, SOC 10-90 % (20-180 MWh), start 50 % (100 MWh),
// η_c = 0.9, η_d = 0.8, hourly steps.
StationConfig OnePhase() {
  StationConfig c;
  c.phases = {PhaseConfig{"p1", 100.0, 200.0, std::numeric_limits<std::int64_t>::min(), 2.0}};
  c.soc_min = 0.1;
  c.soc_max = 0.9;
  c.soc_initial = 0.5;
  c.eta_charge = 0.9;
  c.eta_discharge = 0.8;
  c.self_discharge_per_day = 0.0;
  return c;
}
const TimeAxis kHourly{0, 3600, 48, 0};
}  // namespace

BOOST_AUTO_TEST_SUITE(station)

BOOST_AUTO_TEST_CASE(charge_then_discharge_exact_soc) {
  Station s(OnePhase(), kHourly);
  StepLimits lim = s.BeginStep(0);
  BOOST_TEST(lim.commissioned_mwh == 100.0);  // in service from the start at 50 % of 200 MWh
  BOOST_TEST(lim.aux_mw == 2.0);
  BOOST_TEST(lim.charge_max_mw == 88.0 + 8.0 / 9.0, tt::tolerance(test::kExactRtol));   // (180 − 100) / 0.9 = 88.8…
  BOOST_TEST(lim.discharge_max_mw == 64.0, tt::tolerance(test::kExactRtol));           // (100 − 20) × 0.8
  StepLosses l = s.Apply(50.0, 0.0);
  BOOST_TEST(s.stored_mwh() == 145.0, tt::tolerance(test::kExactRtol));  // 100 + 0.9 × 50
  BOOST_TEST(l.charge_conversion_mw == 5.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(l.discharge_conversion_mw == 0.0);

  lim = s.BeginStep(1);
  BOOST_TEST(lim.charge_max_mw == 35.0 / 0.9, tt::tolerance(test::kExactRtol));  // headroom 35 MWh
  s.Apply(lim.charge_max_mw, 0.0);
  BOOST_TEST(s.stored_mwh() == 180.0, tt::tolerance(test::kExactRtol));  // exactly at SOC max

  lim = s.BeginStep(2);
  BOOST_TEST(lim.charge_max_mw == 0.0, tt::tolerance(1e-12));
  BOOST_TEST(lim.discharge_max_mw == 100.0);  // (180 − 20) × 0.8 = 128 > rating
  l = s.Apply(0.0, 100.0);
  BOOST_TEST(s.stored_mwh() == 55.0, tt::tolerance(test::kExactRtol));  // 180 − 100 / 0.8
  BOOST_TEST(l.discharge_conversion_mw == 25.0, tt::tolerance(test::kExactRtol));

  lim = s.BeginStep(3);
  BOOST_TEST(lim.discharge_max_mw == 28.0, tt::tolerance(test::kExactRtol));  // (55 − 20) × 0.8
  s.Apply(0.0, lim.discharge_max_mw);
  BOOST_TEST(s.stored_mwh() == 20.0, tt::tolerance(test::kExactRtol));  // exactly at SOC min
  BOOST_TEST(s.phase_discharged_stored_mwh(0) == 125.0 + 35.0, tt::tolerance(test::kExactRtol));
}

BOOST_AUTO_TEST_CASE(self_discharge_compounds_per_day) {
  StationConfig c = OnePhase();
  c.self_discharge_per_day = 0.1;  // 10 %/day: 100 MWh → 90 MWh after 24 idle hours
  Station s(c, kHourly);
  double lost = 0.0;
  for (int k = 0; k < 24; ++k) {
    s.BeginStep(k);
    lost += s.Apply(0.0, 0.0).self_discharge_mw * 1.0;
  }
  BOOST_TEST(s.stored_mwh() == 90.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(lost == 10.0, tt::tolerance(test::kExactRtol));
}

BOOST_AUTO_TEST_CASE(standby_charge_holds_soc_min) {
  StationConfig c = OnePhase();
  c.soc_initial = 0.1;             // at SOC min
  c.self_discharge_per_day = 0.24;  // keep factor per hour (0.76)^(1/24)
  Station s(c, kHourly);
  const StepLimits lim = s.BeginStep(0);
  const double e = 20.0 * std::pow(0.76, 1.0 / 24.0);
  BOOST_TEST(lim.discharge_max_mw == 0.0);
  BOOST_TEST(lim.charge_min_mw == (20.0 - e) / 0.9, tt::tolerance(test::kExactRtol));
  s.Apply(lim.charge_min_mw, 0.0);
  BOOST_TEST(s.stored_mwh() == 20.0, tt::tolerance(test::kExactRtol));
}

BOOST_AUTO_TEST_CASE(commissioning_and_proportional_split) {
  StationConfig c = OnePhase();
  c.eta_charge = c.eta_discharge = 1.0;
  PhaseConfig p2{"p2", 300.0, 600.0, 2 * 3600, 0.0};  // in service from step 2
  c.phases.push_back(p2);
  Station s(c, kHourly);
  StepLimits lim = s.BeginStep(0);
  BOOST_TEST(s.power_in_service_mw() == 100.0);
  BOOST_TEST(lim.charge_max_mw == 80.0, tt::tolerance(test::kExactRtol));
  s.Apply(0.0, 0.0);
  s.BeginStep(1);
  s.Apply(0.0, 0.0);
  lim = s.BeginStep(2);
  BOOST_TEST(lim.commissioned_mwh == 300.0);  // 50 % of 600 MWh arrives with phase 2
  BOOST_TEST(s.power_in_service_mw() == 400.0);
  // Charge caps: p1 min(100, 80) = 80; p2 min(300, 240) = 240. A 160 MW charge splits 1:3.
  BOOST_TEST(lim.charge_max_mw == 320.0, tt::tolerance(test::kExactRtol));
  s.Apply(160.0, 0.0);
  BOOST_TEST(s.phase_stored_mwh(0) == 140.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(s.phase_stored_mwh(1) == 420.0, tt::tolerance(test::kExactRtol));
}

BOOST_AUTO_TEST_CASE(ramp_window_from_last_net_power) {
  StationConfig c = OnePhase();
  c.ramp_mw_per_min = 0.5;  // 30 MW per hourly step
  Station s(c, kHourly);
  StepLimits lim = s.BeginStep(0);
  BOOST_TEST(lim.ramp_lo_mw == -30.0);
  BOOST_TEST(lim.ramp_hi_mw == 30.0);
  s.Apply(0.0, 30.0);
  lim = s.BeginStep(1);
  BOOST_TEST(lim.ramp_lo_mw == 0.0);
  BOOST_TEST(lim.ramp_hi_mw == 60.0);
}

BOOST_AUTO_TEST_CASE(ledger_closes_on_random_steps) {
  StationConfig c = OnePhase();
  c.self_discharge_per_day = 0.02;
  c.phases.push_back(PhaseConfig{"p2", 50.0, 80.0, 5 * 3600, 1.0});
  Station s(c, kHourly);
  double prev = 0.0;
  unsigned seed = 12345;
  for (int k = 0; k < 48; ++k) {
    const StepLimits lim = s.BeginStep(k);
    seed = seed * 1103515245u + 12345u;
    const double u = static_cast<double>(seed >> 8) / static_cast<double>(1u << 24);
    double ch = 0.0, dis = 0.0;
    if (u < 0.5) ch = std::max(lim.charge_min_mw, lim.charge_max_mw * u * 2.0);
    else dis = lim.charge_min_mw > 0.0 ? 0.0 : lim.discharge_max_mw * (u - 0.5) * 2.0;
    if (lim.charge_min_mw > 0.0 && ch < lim.charge_min_mw) ch = lim.charge_min_mw;
    const StepLosses l = s.Apply(ch, dis);
    const double now = s.stored_mwh();
    const double residual = ch - dis - l.Total() - (now - prev - lim.commissioned_mwh) / 1.0;
    BOOST_TEST(std::abs(residual) <= test::kLedgerAtolMw);
    for (std::size_t i = 0; i < 2; ++i) {
      if (!s.phase_in_service(i)) continue;
      const double e = s.phase_stored_mwh(i), cap = c.phases[i].energy_mwh;
      BOOST_TEST(e >= 0.1 * cap - test::kSocAtolMwh);
      BOOST_TEST(e <= 0.9 * cap + test::kSocAtolMwh);
    }
    prev = now;
  }
}

BOOST_AUTO_TEST_CASE(validate_lists_every_problem) {
  StationConfig c = OnePhase();
  c.soc_min = 0.9;
  c.soc_max = 0.8;
  c.eta_charge = 1.2;
  c.phases[0].power_mw = -1.0;
  const auto errors = c.Validate();
  BOOST_TEST(errors.size() >= 4u);
  BOOST_TEST(OnePhase().Validate().empty());
}

BOOST_AUTO_TEST_SUITE_END()
