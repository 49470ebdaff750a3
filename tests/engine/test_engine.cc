// The engine loop on small cases: exact flows, both ledgers at every step, SOC window,
// clipping counts, information given to strategies.
#define BOOST_TEST_MODULE essim_engine
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "sim/dispatch/rules.h"
#include "sim/engine/engine.h"
#include "sim/engine/kpi.h"
#include "tests/tolerances.h"

using namespace essim;
using namespace essim::engine;
namespace tt = boost::test_tools;

namespace {
ModelConfig Model() {
  ModelConfig m;
  m.station.phases = {storage::PhaseConfig{"p1", 100.0, 200.0, std::numeric_limits<std::int64_t>::min(), 1.0}};
  m.station.soc_min = 0.1;
  m.station.soc_max = 0.9;
  m.station.soc_initial = 0.5;
  m.station.eta_charge = 0.9;
  m.station.eta_discharge = 0.8;
  m.station.self_discharge_per_day = 0.0;
  return m;
}
Inputs Flat(int n, double pv, double price) {
  Inputs in;
  in.axis = TimeAxis{0, 3600, n, 0};
  in.pv_mw = Series::Constant(n, pv);
  in.load_mw = Series::Zero(n);
  in.price_yuan_per_mwh = Series::Constant(n, price);
  in.export_limit_mw = Series::Constant(n, std::numeric_limits<double>::infinity());
  in.import_limit_mw = Series::Constant(n, std::numeric_limits<double>::infinity());
  return in;
}
// A scripted strategy: returns the given setpoints in order and records what it saw.
class Scripted final : public dispatch::Strategy {
 public:
  explicit Scripted(std::vector<double> sp) : sp_(std::move(sp)) {}
  std::string_view name() const override { return "scripted"; }
  double Setpoint(const dispatch::Observation& o) override {
    seen_pv.push_back(o.pv_mw);
    return sp_[static_cast<std::size_t>(o.step)];
  }
  std::vector<double> seen_pv;

 private:
  std::vector<double> sp_;
};

void CheckLedgers(const RunResult& r, const ModelConfig& m) {
  const double dt = r.axis.dt_h();
  double prev = r.initial_stored_mwh;
  for (std::int64_t k = 0; k < r.axis.count; ++k) {
    const double node = r.pv_mw[k] - r.curtailed_mw[k] + r.import_mw[k] + r.discharge_mw[k] - r.load_mw[k] -
                        r.aux_mw[k] - r.charge_mw[k] - r.export_mw[k];
    BOOST_TEST_REQUIRE(std::abs(node) <= test::kLedgerAtolMw);
    const double station = r.charge_mw[k] - r.discharge_mw[k] - r.station_loss_mw[k] -
                           (r.soc_mwh[k] - prev - r.commissioned_mwh[k]) / dt;
    BOOST_TEST_REQUIRE(std::abs(station) <= test::kLedgerAtolMw);
    const double by_cause = r.charge_loss_mw[k] + r.discharge_loss_mw[k] + r.self_discharge_loss_mw[k];
    BOOST_TEST_REQUIRE(std::abs(by_cause - r.station_loss_mw[k]) <= test::kLedgerAtolMw);
    for (std::size_t p = 0; p < m.station.phases.size(); ++p) {
      const auto& pc = m.station.phases[p];
      if (r.axis.TimeAt(k) < pc.in_service_unix_s) continue;
      const double e = r.phase_soc_mwh(k, static_cast<Eigen::Index>(p));
      BOOST_TEST_REQUIRE(e >= m.station.soc_min * pc.energy_mwh - test::kSocAtolMwh);
      BOOST_TEST_REQUIRE(e <= m.station.soc_max * pc.energy_mwh + test::kSocAtolMwh);
    }
    prev = r.soc_mwh[k];
  }
}
}  // namespace

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(scripted_steps_exact) {
  const ModelConfig m = Model();
  Inputs in = Flat(4, 0.0, 100.0);
  Scripted s({-50.0, -100.0, 100.0, 100.0});
  const RunResult r = Run(m, in, s);
  // Same arithmetic as the station test, through the node: SOC 145, 180, 55, 20 MWh.
  BOOST_TEST(r.soc_mwh[0] == 145.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(r.soc_mwh[1] == 180.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(r.soc_mwh[2] == 55.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(r.soc_mwh[3] == 20.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(r.charge_mw[1] == 35.0 / 0.9, tt::tolerance(test::kExactRtol));
  BOOST_TEST(r.discharge_mw[3] == 28.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(r.clipped_steps == 2);  // steps 1 and 3 hit the SOC window
  BOOST_TEST(r.clipped_mwh == (100.0 - 35.0 / 0.9) + 72.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(r.import_mw[0] == 51.0);  // 50 charge + 1 aux, no PV
  CheckLedgers(r, m);
  const Kpis k = ComputeKpis(r, m);
  BOOST_TEST(k.max_node_imbalance_mw <= test::kLedgerAtolMw);
  BOOST_TEST(k.max_station_imbalance_mw <= test::kLedgerAtolMw);
  BOOST_TEST(k.charged_mwh == 50.0 + 35.0 / 0.9, tt::tolerance(test::kExactRtol));
  BOOST_TEST(k.discharged_mwh == 128.0, tt::tolerance(test::kExactRtol));
  // Energy bought and sold at 100 yuan/MWh, aux 4 MWh bought.
  BOOST_TEST(k.energy_revenue_yuan == 12800.0, tt::tolerance(test::kExactRtol));
  BOOST_TEST(k.aux_cost_yuan == 400.0, tt::tolerance(test::kExactRtol));
  // Δstored = 20 − 100 = −80 MWh: RTE = (128 − 80 × 0.8) / (50 + 35/0.9) = 64 / 88.89 = 0.72 = η_c·η_d.
  BOOST_TEST(k.round_trip_efficiency == 0.72, tt::tolerance(test::kExactRtol));
  BOOST_TEST(k.equivalent_full_cycles == 160.0 / 200.0, tt::tolerance(test::kExactRtol));
}

BOOST_AUTO_TEST_CASE(commissioning_mid_run_keeps_ledger) {
  ModelConfig m = Model();
  m.station.phases.push_back(storage::PhaseConfig{"p2", 50.0, 100.0, 3 * 3600, 0.5});
  m.station.self_discharge_per_day = 0.05;
  Inputs in = Flat(8, 30.0, 100.0);
  dispatch::RuleConfig rc;
  rc.strategy = "price_threshold";
  rc.price_threshold = {150.0, 400.0, {}, {}};
  auto s = dispatch::MakeRuleStrategy(rc);
  const RunResult r = Run(m, in, *s);
  BOOST_TEST(r.commissioned_mwh[3] == 50.0);  // 50 % of 100 MWh at step 3
  BOOST_TEST(r.phase_soc_mwh(2, 1) == 0.0);
  BOOST_TEST(r.aux_mw[2] == 1.0);
  BOOST_TEST(r.aux_mw[3] == 1.5);
  CheckLedgers(r, m);
  const Kpis k = ComputeKpis(r, m);
  BOOST_TEST(k.initial_stored_mwh == 100.0);
  BOOST_TEST(k.commissioned_mwh == 50.0);
  // Whole-run energy balance: charged − discharged − losses = final − initial − commissioned.
  BOOST_TEST(k.charged_mwh - k.discharged_mwh - k.loss_total_mwh ==
                 k.final_stored_mwh - k.initial_stored_mwh - k.commissioned_mwh,
             tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(causal_strategy_sees_only_the_present) {
  const ModelConfig m = Model();
  Inputs in = Flat(6, 0.0, 100.0);
  for (int k = 0; k < 6; ++k) in.pv_mw[k] = 10.0 * k;
  Scripted s({0, 0, 0, 0, 0, 0});
  Run(m, in, s);
  BOOST_TEST_REQUIRE(s.seen_pv.size() == 6u);
  for (int k = 0; k < 6; ++k) BOOST_TEST(s.seen_pv[static_cast<std::size_t>(k)] == 10.0 * k);
  BOOST_TEST((s.foresight() == dispatch::Foresight::kNone));
}

BOOST_AUTO_TEST_CASE(rejects_invalid_model) {
  ModelConfig m = Model();
  m.station.eta_charge = 0.0;
  Inputs in = Flat(2, 0.0, 100.0);
  Scripted s({0, 0});
  BOOST_CHECK_THROW(Run(m, in, s), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(random_setpoints_keep_invariants) {
  ModelConfig m = Model();
  m.station.self_discharge_per_day = 0.03;
  m.station.ramp_mw_per_min = 1.0;
  m.station.phases.push_back(storage::PhaseConfig{"p2", 70.0, 90.0, 20 * 3600, 0.3});
  m.grid.allow_grid_charging = false;
  const int n = 200;
  Inputs in = Flat(n, 0.0, 100.0);
  std::vector<double> sp(n);
  unsigned seed = 7;
  for (int k = 0; k < n; ++k) {
    seed = seed * 1664525u + 1013904223u;
    in.pv_mw[k] = static_cast<double>(seed % 400);
    in.load_mw[k] = static_cast<double>((seed >> 9) % 100);
    in.export_limit_mw[k] = 150.0 + static_cast<double>((seed >> 13) % 200);
    sp[static_cast<std::size_t>(k)] = static_cast<double>(static_cast<int>((seed >> 5) % 401) - 200);
  }
  Scripted s(sp);
  const RunResult r = Run(m, in, s);
  CheckLedgers(r, m);
  for (int k = 0; k < n; ++k) {
    BOOST_TEST_REQUIRE(r.export_mw[k] <= in.export_limit_mw[k] + 1e-9);
    BOOST_TEST_REQUIRE((r.charge_mw[k] - r.standby_mw[k] <= 1e-12 || r.discharge_mw[k] == 0.0));  // only standby coexists with discharge
    // No grid charging: charge never exceeds the PV surplus, but for the standby charge
    // at SOC min, at most Σ emin·(1 − 0.97^(1/24))/η_c = 29 × 0.00127 / 0.9 = 0.041 MW.
    BOOST_TEST_REQUIRE(r.charge_mw[k] <= std::max(0.0, r.pv_mw[k] - r.load_mw[k] - r.aux_mw[k]) + 0.041);
  }
}

BOOST_AUTO_TEST_SUITE_END()
