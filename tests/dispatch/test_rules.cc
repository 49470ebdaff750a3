// Each rule strategy on small cases with exact expected setpoints.
#define BOOST_TEST_MODULE essim_dispatch
#include <boost/test/unit_test.hpp>

#include "sim/dispatch/rules.h"

using namespace essim::dispatch;
namespace tt = boost::test_tools;

namespace {
Observation Obs(int hh, int mm, double price = 300.0) {
  Observation o;
  o.local_second_of_day = hh * 3600 + mm * 60;
  o.dt_h = 0.25;
  o.price_yuan_per_mwh = price;
  o.power_rating_mw = 500.0;
  o.charge_max_mw = 500.0;
  o.discharge_max_mw = 500.0;
  o.export_limit_mw = 1500.0;
  o.import_limit_mw = 1000.0;
  return o;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(idle_is_zero) {
  RuleConfig c;
  auto s = MakeRuleStrategy(c);
  BOOST_TEST(s->Setpoint(Obs(12, 0)) == 0.0);
  BOOST_TEST((s->foresight() == Foresight::kNone));
}

BOOST_AUTO_TEST_CASE(schedule_two_charges_two_discharges) {
  RuleConfig c;
  c.strategy = "schedule";
  c.schedule.windows = {{23 * 3600, 5 * 3600, true, 300.0},  // wraps midnight
                        {7 * 3600, 9 * 3600, false, 400.0},
                        {11 * 3600, 14 * 3600, true, {}},
                        {19 * 3600, 21 * 3600, false, {}}};
  auto s = MakeRuleStrategy(c);
  BOOST_TEST(s->Setpoint(Obs(23, 0)) == -300.0);
  BOOST_TEST(s->Setpoint(Obs(0, 15)) == -300.0);
  BOOST_TEST(s->Setpoint(Obs(4, 45)) == -300.0);
  BOOST_TEST(s->Setpoint(Obs(5, 0)) == 0.0);   // end is exclusive
  BOOST_TEST(s->Setpoint(Obs(7, 0)) == 400.0);
  BOOST_TEST(s->Setpoint(Obs(10, 0)) == 0.0);
  BOOST_TEST(s->Setpoint(Obs(12, 30)) == -500.0);  // no power given: rated
  BOOST_TEST(s->Setpoint(Obs(20, 45)) == 500.0);
}

BOOST_AUTO_TEST_CASE(price_threshold_bands) {
  RuleConfig c;
  c.strategy = "price_threshold";
  c.price_threshold = {100.0, 450.0, 250.0, {}};
  auto s = MakeRuleStrategy(c);
  BOOST_TEST(s->Setpoint(Obs(12, 0, 60.0)) == -250.0);
  BOOST_TEST(s->Setpoint(Obs(12, 0, 100.0)) == -250.0);  // at the threshold: charge
  BOOST_TEST(s->Setpoint(Obs(12, 0, 300.0)) == 0.0);
  BOOST_TEST(s->Setpoint(Obs(19, 0, 450.0)) == 500.0);
}

BOOST_AUTO_TEST_CASE(absorb_curtailment_charges_would_be_curtailment) {
  RuleConfig c;
  c.strategy = "absorb_curtailment";
  c.absorb_curtailment.discharge_start_s = 18 * 3600;
  c.absorb_curtailment.discharge_end_s = 22 * 3600;
  auto s = MakeRuleStrategy(c);
  Observation o = Obs(12, 0, 40.0);
  o.pv_mw = 1900.0;
  o.load_mw = 250.0;
  o.aux_mw = 10.0;
  // Would-be curtailment: 1900 − 250 − 10 − 1500 = 140 MW.
  BOOST_TEST(s->Setpoint(o) == -140.0, tt::tolerance(1e-12));
  o.charge_max_mw = 100.0;  // asks only what the station can take
  BOOST_TEST(s->Setpoint(o) == -100.0);
  o.pv_mw = 1500.0;  // no curtailment, no charge_below: idle outside the window
  BOOST_TEST(s->Setpoint(o) == 0.0);
}

BOOST_AUTO_TEST_CASE(absorb_curtailment_spreads_energy_over_window) {
  RuleConfig c;
  c.strategy = "absorb_curtailment";
  c.absorb_curtailment.discharge_start_s = 18 * 3600;
  c.absorb_curtailment.discharge_end_s = 22 * 3600;
  auto s = MakeRuleStrategy(c);
  Observation o = Obs(18, 0);
  o.dischargeable_mwh = 400.0;  // over 4 h: 100 MW
  BOOST_TEST(s->Setpoint(o) == 100.0);
  o = Obs(21, 0);
  o.dischargeable_mwh = 75.0;  // 1 h left: 75 MW
  BOOST_TEST(s->Setpoint(o) == 75.0);
  o = Obs(21, 45);
  o.dischargeable_mwh = 200.0;  // last step: all at once, capped by capability
  BOOST_TEST(s->Setpoint(o) == 500.0);
  o.dischargeable_mwh = 50.0;
  BOOST_TEST(s->Setpoint(o) == 200.0);  // 50 MWh in 0.25 h
}

BOOST_AUTO_TEST_CASE(absorb_curtailment_optional_price_rules) {
  RuleConfig c;
  c.strategy = "absorb_curtailment";
  c.absorb_curtailment.charge_below_yuan_per_mwh = 100.0;
  c.absorb_curtailment.discharge_above_yuan_per_mwh = 500.0;
  auto s = MakeRuleStrategy(c);
  Observation o = Obs(11, 0, 60.0);
  o.pv_mw = 800.0;
  o.load_mw = 300.0;
  BOOST_TEST(s->Setpoint(o) == -500.0);  // surplus 500, price at the floor
  o.pv_mw = 400.0;
  BOOST_TEST(s->Setpoint(o) == -100.0);
  o = Obs(8, 0, 520.0);
  BOOST_TEST(s->Setpoint(o) == 500.0);
}

BOOST_AUTO_TEST_CASE(unknown_name_throws) {
  RuleConfig c;
  c.strategy = "magic";
  BOOST_CHECK_THROW(MakeRuleStrategy(c), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
