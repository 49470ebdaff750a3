// The station physics through the engine: an outage removes exactly its capacity for
// exactly its dates; both ledgers close at every step with every loss term on; fade is
// monotonic, zero without throughput and time, and augmentation restores capacity;
// temperature drives the auxiliary load in the right direction.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

#include "sim/dispatch/optimal.h"
#include "sim/dispatch/strategy.h"
#include "sim/engine/engine.h"
#include "sim/engine/kpi.h"
#include "tests/tolerances.h"

using namespace essim;
using namespace essim::engine;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Cycles daily: charge at full power 6 h, discharge 6 h, rest (hourly steps).
class Cycler final : public dispatch::Strategy {
 public:
  std::string_view name() const override { return "cycler"; }
  double Setpoint(const dispatch::Observation& o) override {
    const int h = o.local_second_of_day / 3600;
    if (h >= 2 && h < 8) return -1000.0;
    if (h >= 14 && h < 20) return 1000.0;
    return 0.0;
  }
};

class Idle final : public dispatch::Strategy {
 public:
  std::string_view name() const override { return "idle"; }
  double Setpoint(const dispatch::Observation&) override { return 0.0; }
};

ModelConfig Model(bool physics) {
  ModelConfig m;
  storage::PhaseConfig a{"a", 100.0, 200.0, std::numeric_limits<std::int64_t>::min(), 1.0};
  storage::PhaseConfig b{"b", 50.0, 100.0, std::numeric_limits<std::int64_t>::min(), 0.5};
  m.station.phases = {a, b};
  m.station.soc_min = 0.05;
  m.station.soc_max = 0.95;
  m.station.eta_charge = m.station.eta_discharge = 0.92;
  m.station.self_discharge_per_day = 0.001;
  if (physics) {
    auto& c = m.station.conversion;
    c.detailed = true;
    c.pcs = storage::EfficiencyCurve{{0.1, 0.5, 1.0}, {0.96, 0.984, 0.983}};
    c.battery_efficiency = 0.97;
    c.skid = {1.0, 0.001, 0.009};
    c.main = {1.0, 0.0003, 0.002};
    m.station.aux = storage::AuxConfig{25.0, 0.0, 0.04, 0.03, 0.003};
    m.station.ageing.enabled = true;
    m.station.ageing.calendar_a = 0.05;  // accelerated, so a few weeks show fade
    m.station.ageing.cycles = {600, 280, 130, 90, 70, 60};
    m.station.augment_below_soh = 0.9;
    m.station.augment_to_soh = 1.0;
    m.station.forced_outages = storage::ForcedOutageConfig{5.0, 200.0, 24.0, 5};
    m.station.phases[0].outages = {{5 * 86400, 7 * 86400, 0.5}};
  }
  return m;
}

Inputs Hourly(int hours) {
  Inputs in;
  in.axis = TimeAxis{0, 3600, hours, 0};
  in.pv_mw = Series::Zero(hours);
  in.load_mw = Series::Zero(hours);
  in.price_yuan_per_mwh = Series::Constant(hours, 300.0);
  in.export_limit_mw = Series::Constant(hours, kInf);
  in.import_limit_mw = Series::Constant(hours, kInf);
  in.temp_air_c = Series(hours);
  for (int h = 0; h < hours; ++h) in.temp_air_c[h] = 10.0 + 25.0 * std::sin(2 * M_PI * h / (24.0 * 20));  // -15..35 °C
  return in;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(station_physics)

BOOST_AUTO_TEST_CASE(a_planned_outage_removes_exactly_its_capacity_for_exactly_its_dates) {
  ModelConfig m = Model(false);
  m.station.phases[0].outages = {{3 * 86400 + 2 * 3600, 4 * 86400, 0.5}};  // half of phase a, day 3 02:00 to day 4
  Cycler s;
  const RunResult r = Run(m, Hourly(6 * 24), s);
  const ModelConfig m0 = Model(false);
  Cycler s0;
  const RunResult r0 = Run(m0, Hourly(6 * 24), s0);
  for (std::int64_t k = 0; k < r.axis.count; ++k) {
    const bool out = k >= 3 * 24 + 2 && k < 4 * 24;
    BOOST_TEST_REQUIRE(r.available_mw[k] == (out ? 150.0 - 50.0 : 150.0));
    if (!out && k < 3 * 24 + 2) BOOST_TEST_REQUIRE(r.discharge_mw[k] == r0.discharge_mw[k]);  // identical before
  }
  // During the outage the station charges at most 50 + 50 MW (a at half power, b in full).
  for (std::int64_t k = 3 * 24 + 2; k < 3 * 24 + 8; ++k) BOOST_TEST(r.charge_mw[k] <= 100.0 + 1e-12);
  BOOST_TEST(r.charge_mw[3 * 24 + 2] == 100.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r0.charge_mw[3 * 24 + 2] == 150.0, boost::test_tools::tolerance(1e-12));  // without it, all of it
  const Kpis k = ComputeKpis(r, m);
  BOOST_TEST(k.availability == (6 * 24 * 150.0 - 22 * 50.0) / (6 * 24 * 150.0), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(both_ledgers_close_with_every_loss_term_on) {
  const ModelConfig m = Model(true);
  Cycler s;
  const Inputs in = Hourly(60 * 24);
  const RunResult r = Run(m, in, s);
  const Kpis k = ComputeKpis(r, m);
  const double dt = r.axis.dt_h();
  double prev = r.initial_stored_mwh;
  double pcs = 0, battery = 0, skid = 0, main = 0, aux = 0, fade = 0;
  for (std::int64_t i = 0; i < r.axis.count; ++i) {
    const double node = r.pv_mw[i] - r.curtailed_mw[i] + r.import_mw[i] + r.discharge_mw[i] - r.load_mw[i] - r.aux_mw[i] -
                        r.charge_mw[i] - r.export_mw[i];
    BOOST_TEST_REQUIRE(std::abs(node) <= test::kLedgerAtolMw);
    // Station, by cause: what enters at the POI (charge and the station's own draw) less
    // what leaves (discharge) less every loss = the change of stored energy.
    const double by_cause = r.charge_mw[i] + r.aux_mw[i] - r.discharge_mw[i] -
                            (r.loss_pcs_mw[i] + r.loss_battery_mw[i] + r.loss_skid_tx_mw[i] + r.loss_main_tx_mw[i] +
                             r.aux_load_mw[i] + r.self_discharge_loss_mw[i] + r.loss_fade_mw[i]) -
                            (r.soc_mwh[i] - prev - r.commissioned_mwh[i]) / dt;
    BOOST_TEST_REQUIRE(std::abs(by_cause) <= test::kLedgerAtolMw);
    const double conv = r.charge_mw[i] - r.discharge_mw[i] - r.station_loss_mw[i] - (r.soc_mwh[i] - prev - r.commissioned_mwh[i]) / dt;
    BOOST_TEST_REQUIRE(std::abs(conv) <= test::kLedgerAtolMw);
    prev = r.soc_mwh[i];
    pcs += r.loss_pcs_mw[i];
    battery += r.loss_battery_mw[i];
    skid += r.loss_skid_tx_mw[i];
    main += r.loss_main_tx_mw[i];
    aux += r.aux_load_mw[i];
    fade += r.loss_fade_mw[i];
    for (Eigen::Index p = 0; p < 2; ++p) {
      const double e = r.phase_soc_mwh(i, p), cap = r.phase_capacity_mwh(i, p);
      BOOST_TEST_REQUIRE(e >= m.station.soc_min * cap - test::kSocAtolMwh);
      BOOST_TEST_REQUIRE(e <= m.station.soc_max * cap + test::kSocAtolMwh);
    }
  }
  // Every term is really on.
  for (double x : {pcs, battery, skid, main, aux}) BOOST_TEST(x > 0.0);
  BOOST_TEST(k.max_cause_imbalance_mw <= test::kLedgerAtolMw);
  BOOST_TEST(k.availability < 1.0);
  BOOST_TEST(r.phase_health[0].cycle_fade_mwh > 0.0);
  BOOST_TEST(r.phase_health[0].calendar_fade_mwh > 0.0);
  (void)fade;
}

BOOST_AUTO_TEST_CASE(fade_is_monotonic_and_zero_without_throughput_and_time) {
  ModelConfig m = Model(true);
  m.station.augment_below_soh = 0.0;  // no augmentation: capacity may only fall
  m.station.forced_outages = {};
  Cycler s;
  const RunResult r = Run(m, Hourly(60 * 24), s);
  for (Eigen::Index p = 0; p < 2; ++p) {
    for (std::int64_t i = 1; i < r.axis.count; ++i) BOOST_TEST_REQUIRE(r.phase_capacity_mwh(i, p) <= r.phase_capacity_mwh(i - 1, p));
    BOOST_TEST(r.phase_capacity_mwh(r.axis.count - 1, p) < r.phase_capacity_mwh(0, p));
  }
  // No throughput (idle) and no calendar rate: nothing fades, and no cycle is counted.
  ModelConfig still = m;
  still.station.ageing.calendar_a = 0.0;
  still.station.self_discharge_per_day = 0.0;
  Idle idle;
  const RunResult z = Run(still, Hourly(30 * 24), idle);
  BOOST_TEST(z.phase_health[0].cycle_fade_mwh == 0.0);
  BOOST_TEST(z.phase_health[0].calendar_fade_mwh == 0.0);
  BOOST_TEST(z.phase_capacity_mwh(z.axis.count - 1, 0) == 200.0);
  // Zero time: a run of one step applies no calendar fade (less than a day) beyond the
  // residue at the end, which is k·sqrt(1/24 day) here.
  Idle idle2;
  const RunResult one = Run(m, Hourly(1), idle2);
  BOOST_TEST(one.phase_health[0].cycle_fade_mwh == 0.0);
  BOOST_TEST(one.phase_capacity_mwh(0, 0) == 200.0);
}

BOOST_AUTO_TEST_CASE(augmentation_restores_capacity) {
  ModelConfig m = Model(true);
  m.station.forced_outages = {};
  m.station.phases[1].augmentations = {{20 * 86400, 30.0}};
  Cycler s;
  const RunResult r = Run(m, Hourly(60 * 24), s);
  // Scheduled: +30 MWh on phase b at day 20.
  BOOST_TEST(r.phase_capacity_mwh(20 * 24, 1) - r.phase_capacity_mwh(20 * 24 - 1, 1) > 29.0);
  BOOST_TEST(r.phase_health[1].augmented_mwh >= 30.0);
  // Threshold: phase a never stays below 90 % of 200 MWh for more than a day.
  BOOST_TEST(r.phase_health[0].augmentations >= 1);
  for (std::int64_t i = 0; i < r.axis.count; ++i) BOOST_TEST_REQUIRE(r.phase_capacity_mwh(i, 0) >= 0.9 * 200.0 - 2.0);
}

BOOST_AUTO_TEST_CASE(colder_and_hotter_days_draw_more_auxiliary_power) {
  ModelConfig m = Model(true);
  m.station.forced_outages = {};
  m.station.phases[0].outages.clear();
  Idle idle;
  const Inputs in = Hourly(20 * 24);
  const RunResult r = Run(m, in, idle);
  // Idle: no throughput part; aux = base × (1 + slopes): check at the warmest and coldest hours.
  for (std::int64_t i = 0; i < r.axis.count; ++i) {
    const double t = in.temp_air_c[i];
    const double factor = 1.0 + 0.04 * std::max(0.0, t - 25.0) + 0.03 * std::max(0.0, 0.0 - t);
    BOOST_TEST_REQUIRE(r.aux_load_mw[i] == 1.5 * factor, boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(the_optimum_plans_around_planned_outages_only_when_told) {
  // One phase, cheap first half of the day, dear second half; the phase is fully out
  // during the dear hours 14-16. Told: the plan discharges outside the outage, and the
  // engine never has to clip it. Not told: the plan discharges into the outage and is clipped.
  ModelConfig m = Model(false);
  m.station.phases.resize(1);
  m.station.phases[0].outages = {{14 * 3600, 17 * 3600, 1.0}};
  Inputs in = Hourly(24);
  for (int h = 0; h < 24; ++h) in.price_yuan_per_mwh[h] = h < 12 ? 100.0 : (h >= 14 && h < 17 ? 900.0 : 500.0);
  dispatch::OptimalConfig told;
  told.planned_outages_known = true;
  dispatch::OptimalConfig blind;
  dispatch::OptimalStrategy a(m.station, m.grid, told), b(m.station, m.grid, blind);
  const RunResult ra = Run(m, in, a), rb = Run(m, in, b);
  for (int h = 14; h < 17; ++h) {
    BOOST_TEST(std::abs(ra.setpoint_mw[h]) <= 1e-3);  // the plan itself leaves the outage alone
    BOOST_TEST(ra.discharge_mw[h] == 0.0);
    BOOST_TEST(rb.discharge_mw[h] == 0.0);            // the engine enforces the outage either way
  }
  BOOST_TEST(ra.clipped_steps == 0);
  BOOST_TEST(rb.clipped_steps > 0);
  BOOST_TEST(ComputeKpis(ra, m).net_revenue_yuan > ComputeKpis(rb, m).net_revenue_yuan);
}
