// Forecast models and rolling-horizon dispatch: causality, reproducibility, error growth
// with lead time, and agreement with the perfect-foresight optimum.
#define BOOST_TEST_MODULE essim_rolling
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <limits>

#include "sim/core/rng.h"
#include "sim/dispatch/forecast.h"
#include "sim/dispatch/optimal.h"
#include "sim/engine/engine.h"
#include "sim/engine/kpi.h"

using namespace essim;
using namespace essim::dispatch;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

engine::Inputs Days(int days, std::uint64_t seed) {
  engine::Inputs in;
  const int n = days * 96;
  in.axis = TimeAxis{1735660800, 900, n, 28800};
  in.pv_mw = Series::Zero(n);
  in.load_mw = Series::Constant(n, 50.0);
  in.price_yuan_per_mwh = Series::Zero(n);
  in.export_limit_mw = Series::Constant(n, 400.0);
  in.import_limit_mw = Series::Constant(n, kInf);
  Rng rng(seed, 0);
  double cloud = 1.0;
  for (int k = 0; k < n; ++k) {
    const double hour = (k % 96) / 4.0;
    if (k % 96 == 0) cloud = 0.4 + 0.6 * rng.Uniform();
    in.pv_mw[k] = 600.0 * cloud * std::max(0.0, std::sin(M_PI * (hour - 6.0) / 13.0));
    const double base = hour >= 10 && hour < 16 ? 60.0 : (hour >= 18 && hour < 22 ? 520.0 : 280.0);
    in.price_yuan_per_mwh[k] = base * (0.85 + 0.3 * rng.Uniform());
  }
  return in;
}

engine::ModelConfig Model() {
  engine::ModelConfig m;
  m.station.phases = {storage::PhaseConfig{"a", 100, 200, std::numeric_limits<std::int64_t>::min(), 1.0},
                      storage::PhaseConfig{"b", 50, 100, std::numeric_limits<std::int64_t>::min(), 0.5}};
  m.station.self_discharge_per_day = 0.0005;
  return m;
}

// Six days of inputs, twice: the same until step k0, then prices ×1.7 and PV ×0.3 in the
// second (for causality checks: with persistence forecasts no decision before k0 sees it).
std::pair<engine::Inputs, engine::Inputs> PartingAt(std::int64_t k0) {
  engine::Inputs a = Days(6, 5);
  engine::Inputs b = a;
  for (std::int64_t i = k0; i < b.axis.count; ++i) {
    b.price_yuan_per_mwh[i] *= 1.7;
    b.pv_mw[i] *= 0.3;
  }
  return {a, b};
}

double NetEnergyRevenue(const engine::RunResult& r, const engine::ModelConfig& m) {
  const engine::Kpis k = engine::ComputeKpis(r, m);
  // Value the energy left in storage at the end at zero: compare like with like (same terminal rule below).
  return k.energy_revenue_yuan - k.charging_cost_yuan;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(forecasts)

BOOST_AUTO_TEST_CASE(persistence_reads_only_the_past) {
  const engine::Inputs a = Days(10, 1);
  engine::Inputs b = a;
  const std::int64_t k = 5 * 96 + 37;
  for (std::int64_t i = k; i < b.axis.count; ++i) b.pv_mw[i] += 123.0;  // the future changes
  for (ForecastKind kind : {ForecastKind::kPersistenceDay, ForecastKind::kPersistenceWeek}) {
    ForecastConfig c;
    c.kind = kind;
    std::vector<double> fa, fb;
    IssueForecast(c, a.pv_mw, a.axis, k, 192, 1, &fa);
    IssueForecast(c, b.pv_mw, b.axis, k, 192, 1, &fb);
    BOOST_TEST(fa == fb, boost::test_tools::per_element());
  }
  // Day persistence: lead 1 h forecasts the value one day earlier.
  ForecastConfig day;
  day.kind = ForecastKind::kPersistenceDay;
  std::vector<double> f;
  IssueForecast(day, a.pv_mw, a.axis, k, 192, 1, &f);
  BOOST_TEST(f[4] == a.pv_mw[k + 4 - 96]);
  BOOST_TEST(f[100] == a.pv_mw[k + 100 - 192]);  // beyond a day: two days back, still the past
}

BOOST_AUTO_TEST_CASE(noisy_reproducible_and_spread_grows_with_lead) {
  const engine::Inputs a = Days(30, 2);
  ForecastConfig c;
  c.kind = ForecastKind::kNoisy;
  c.seed = 42;
  c.lo = -kInf;  // no clipping: measure the raw error
  std::vector<double> f1, f2;
  IssueForecast(c, a.price_yuan_per_mwh, a.axis, 500, 192, 3, &f1);
  IssueForecast(c, a.price_yuan_per_mwh, a.axis, 500, 192, 3, &f2);
  BOOST_TEST(f1 == f2, boost::test_tools::per_element());
  double e1 = 0, e24 = 0;
  int count = 0;
  for (std::int64_t k = 0; k + 192 < a.axis.count; k += 7) {
    IssueForecast(c, a.price_yuan_per_mwh, a.axis, k, 192, 3, &f1);
    const double d1 = f1[3] - a.price_yuan_per_mwh[k + 3], d24 = f1[95] - a.price_yuan_per_mwh[k + 95];
    e1 += d1 * d1;
    e24 += d24 * d24;
    ++count;
  }
  const double scale = a.price_yuan_per_mwh.abs().maxCoeff();
  const double s1 = std::sqrt(e1 / count) / scale, s24 = std::sqrt(e24 / count) / scale;
  BOOST_TEST(s1 > 0.02);   // configured 5 % at 1 h
  BOOST_TEST(s1 < 0.08);
  BOOST_TEST(s24 > 0.15);  // configured 20 % at 24 h
  BOOST_TEST(s24 < 0.25);
}

BOOST_AUTO_TEST_CASE(noisy_forecasts_evolve_as_news_arrives) {
  // The martingale model of forecast evolution (Heath & Jackson 1994): the forecast of a
  // target issued one step later differs from the earlier one by exactly the news of that
  // step, b(lead)·W, which is independent of what is still unknown (the later error). So
  //  - beyond the last lead that receives news (24 h), successive issues agree to the bit;
  //  - at 1 h lead the revision is uncorrelated with the later error, and its variance is
  //    the difference of the stated spreads' squares, S(4)² − S(3)².
  // Independent draws per issue (the model before) give a correlation of −1/√2 and fail.
  const engine::Inputs a = Days(40, 2);
  ForecastConfig c;
  c.kind = ForecastKind::kNoisy;
  c.seed = 5;
  c.lo = -kInf;
  const Series& actual = a.price_yuan_per_mwh;
  const double scale = actual.abs().maxCoeff();
  auto spread = [&](int lead_steps) {  // S at the middle of the step, as documented
    const double h = (lead_steps + 0.5) * 0.25;
    return h < 1.0 ? c.sigma_1h * h : c.sigma_1h + (c.sigma_24h - c.sigma_1h) * std::min(1.0, (h - 1.0) / 23.0);
  };
  std::vector<double> f0, f1;
  double rr = 0, re = 0, ee = 0;
  int n = 0, identical = 0, far = 0;
  for (std::int64_t k = 0; k + 1 + 192 < a.axis.count; ++k) {
    IssueForecast(c, actual, a.axis, k, 192, 3, &f0);
    IssueForecast(c, actual, a.axis, k + 1, 192, 3, &f1);
    const int lead = 4;  // target k + 4: 1 h ahead from k, 45 min from k + 1
    const double e_later = f1[lead - 1] - actual[k + lead];
    const double revision = f0[lead] - f1[lead - 1];
    rr += revision * revision;
    re += revision * e_later;
    ee += e_later * e_later;
    ++n;
    for (int l = 100; l < 191; ++l) {  // leads beyond 25 h from k + 1
      ++far;
      identical += f0[static_cast<std::size_t>(l + 1)] == f1[static_cast<std::size_t>(l)];
    }
  }
  BOOST_TEST(identical == far);
  const double corr = re / std::sqrt(rr * ee);
  BOOST_TEST(std::abs(corr) < 0.1, "correlation of the revision with the later error: " << corr);
  const double expected = (spread(4) * spread(4) - spread(3) * spread(3)) * scale * scale;
  BOOST_TEST(rr / n / expected == 1.0, boost::test_tools::tolerance(0.15));
  BOOST_TEST(ee / n / (spread(3) * spread(3) * scale * scale) == 1.0, boost::test_tools::tolerance(0.15));
  // The bits depend on (seed, stream, k, h) only: a Forecaster issuing out of order, over
  // horizons shorter and longer than the leads that receive news, with its caches in any
  // state, gives what a fresh one gives.
  Forecaster fc(c, actual, a.axis, 3);
  const std::pair<std::int64_t, std::int64_t> issues[] = {{300, 192}, {301, 8}, {305, 192}, {120, 30},
                                                          {300, 192}, {2000, 300}, {1990, 5}, {1995, 192}};
  for (const auto& [k, h] : issues) {
    fc.Issue(k, h, &f0);
    IssueForecast(c, actual, a.axis, k, h, 3, &f1);
    BOOST_TEST(f0 == f1, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(noisy_pv_is_clipped_to_its_physical_bound) {
  // Days() has PV from 06:00 to 19:00; its physical bound: 0 from 20:00 to 05:00 (the sun
  // down), 700 MW (the fleet's AC rating) by day. A noisy forecast with a 25 % error must
  // stay inside it; without the bound, night forecasts come out positive.
  const engine::Inputs a = Days(10, 3);
  Series bound(a.axis.count);
  for (Eigen::Index k = 0; k < bound.size(); ++k) {
    const double hour = (k % 96) / 4.0;
    bound[k] = hour >= 20.0 || hour < 5.0 ? 0.0 : 700.0;
  }
  ForecastConfig c;
  c.kind = ForecastKind::kNoisy;
  c.sigma_1h = 0.10;
  c.sigma_24h = 0.25;
  c.seed = 9;
  std::vector<double> free, bounded;
  int night_positive = 0, above_rating = 0, agree = 0, day = 0;
  for (std::int64_t k = 0; k + 192 <= a.axis.count; k += 5) {
    IssueForecast(c, a.pv_mw, a.axis, k, 192, 1, &free);
    IssueForecast(c, a.pv_mw, a.axis, k, 192, 1, &bounded, &bound);
    for (std::int64_t i = 0; i < 192; ++i) {
      const double b = bound[k + i], f = free[static_cast<std::size_t>(i)], g = bounded[static_cast<std::size_t>(i)];
      BOOST_TEST_REQUIRE(g >= 0.0);
      BOOST_TEST_REQUIRE(g <= b);
      night_positive += b == 0.0 && f > 0.0;
      above_rating += f > b && b > 0.0;
      if (b > 0.0) {
        ++day;
        agree += g == std::min(f, b);  // the same draws: only the clipping differs
      }
    }
  }
  BOOST_TEST(night_positive > 1000);  // the unbounded model puts PV into the night
  BOOST_TEST(above_rating > 0);       // and above the rating around noon (600 MW peaks + 25 %)
  BOOST_TEST(agree == day);
}

BOOST_AUTO_TEST_CASE(issued_forecasts_use_the_latest_issue_known_at_decision) {
  const engine::Inputs a = Days(2, 7);
  const TimeAxis& ax = a.axis;
  auto f = std::make_shared<IssuedForecasts>();
  // Issue at step 0 covers steps 0..7 with 100 + i; issue at step 4 covers 4..11 with 200 + i;
  // an issue at step 8 (the future for a decision at step 5) covers 8..11 with 999.
  struct R { std::int64_t issue, target; double v; };
  std::vector<R> rows;
  for (int i = 0; i < 8; ++i) rows.push_back({ax.TimeAt(0), ax.TimeAt(i), 100.0 + i});
  for (int i = 4; i < 12; ++i) rows.push_back({ax.TimeAt(4), ax.TimeAt(i), 200.0 + i});
  for (int i = 8; i < 12; ++i) rows.push_back({ax.TimeAt(8), ax.TimeAt(i), 999.0});
  std::sort(rows.begin(), rows.end(), [](const R& x, const R& y) { return x.target != y.target ? x.target < y.target : x.issue < y.issue; });
  for (const R& r : rows) {
    f->issue_unix_s.push_back(r.issue);
    f->target_unix_s.push_back(r.target);
    f->value.push_back(r.v);
  }
  ForecastConfig c;
  c.kind = ForecastKind::kIssued;
  c.issued = f;
  std::vector<double> out;
  IssueForecast(c, a.pv_mw, ax, 2, 6, 1, &out);  // decision at step 2: only the first issue is known
  BOOST_TEST(out[0] == 102.0);
  BOOST_TEST(out[5] == 107.0);
  IssueForecast(c, a.pv_mw, ax, 5, 8, 1, &out);  // decision at step 5: issue 4 is the latest
  BOOST_TEST(out[0] == 205.0);
  BOOST_TEST(out[6] == 211.0);                   // step 11, from issue 4 — not issue 8 (the future)
  BOOST_TEST(out[7] == a.pv_mw[4]);              // step 12 uncovered: last actual known at step 5
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rolling_horizon)

BOOST_AUTO_TEST_CASE(perfect_forecasts_over_the_remaining_run_reproduce_the_optimum) {
  const engine::Inputs in = Days(4, 3);
  const engine::ModelConfig m = Model();
  OptimalConfig oc;
  oc.terminal_soc = 0.5;
  OptimalStrategy opt(m.station, m.grid, oc);
  const engine::RunResult ro = engine::Run(m, in, opt);
  RollingHorizonConfig rc;
  rc.optimal = oc;
  rc.horizon_s = 4 * 86400;  // always the rest of the run
  rc.replan_s = 6 * 3600;
  RollingHorizonStrategy rh(m.station, m.grid, rc);
  const engine::RunResult rr = engine::Run(m, in, rh);
  BOOST_TEST(rh.stats().windows == 16);
  const double a = NetEnergyRevenue(ro, m), b = NetEnergyRevenue(rr, m);
  BOOST_TEST(std::abs(a - b) / std::abs(a) < 1e-6, "optimum " << a << " rolling " << b);
}

BOOST_AUTO_TEST_CASE(two_day_horizon_close_to_the_optimum) {
  const engine::Inputs in = Days(14, 4);
  const engine::ModelConfig m = Model();
  OptimalConfig oc;
  oc.terminal_soc = 0.5;
  OptimalStrategy opt(m.station, m.grid, oc);
  const double best = NetEnergyRevenue(engine::Run(m, in, opt), m);
  RollingHorizonConfig rc;
  rc.horizon_s = 48 * 3600;
  rc.replan_s = 3600;
  rc.optimal.terminal_soc = 0.5;  // the same end rule as the optimum: its plans are feasible for it
  RollingHorizonStrategy rh(m.station, m.grid, rc);
  const engine::RunResult rr = engine::Run(m, in, rh);
  BOOST_TEST(rr.soc_mwh[rr.axis.count - 1] >= 150.0 - 1e-6);  // ends at least at 50 % of 300 MWh
  const double got = NetEnergyRevenue(rr, m);
  BOOST_TEST(got <= best * (1.0 + 1e-6));           // no strategy beats perfect foresight
  BOOST_TEST_MESSAGE("48 h rolling horizon: " << got << " yuan vs optimum " << best << " (regret " << 100.0 * (best - got) / best << " %)");
  BOOST_TEST(got >= best * 0.95, "optimum " << best << " rolling " << got);  // within a few percent
  BOOST_TEST(rr.clipped_steps == 0);
}

BOOST_AUTO_TEST_CASE(setpoints_do_not_depend_on_the_future_with_persistence) {
  const std::int64_t k0 = 3 * 96 + 20;
  const auto [a, b] = PartingAt(k0);
  const engine::ModelConfig m = Model();
  RollingHorizonConfig rc;
  rc.pv.kind = rc.load.kind = rc.price.kind = ForecastKind::kPersistenceDay;
  RollingHorizonStrategy ra(m.station, m.grid, rc), rb(m.station, m.grid, rc);
  const engine::RunResult x = engine::Run(m, a, ra), y = engine::Run(m, b, rb);
  for (std::int64_t k = 0; k < k0; ++k) BOOST_TEST_REQUIRE(x.setpoint_mw[k] == y.setpoint_mw[k]);
  bool differs = false;
  for (std::int64_t k = k0; k < a.axis.count; ++k) differs = differs || x.setpoint_mw[k] != y.setpoint_mw[k];
  BOOST_TEST(differs);  // and the test input does reach the strategy later
}

BOOST_AUTO_TEST_CASE(commit_binds_setpoints_ahead_of_the_decision) {
  // Replans every hour, each binding for 3 h: a replan at k keeps what was committed for
  // [k, k + 2 h) and commits [k + 2 h, k + 3 h). Setpoints are then fixed by decisions made
  // 2-3 h before them: changing the actual inputs from step k0 on (seen only from k0, with
  // persistence forecasts) cannot change any setpoint before k0 + 3 h, where without the
  // commitment it could change from k0 on.
  const std::int64_t k0 = 3 * 96 + 20;  // a replan time (every 4 steps)
  const auto [a, b] = PartingAt(k0);
  const engine::ModelConfig m = Model();
  RollingHorizonConfig rc;
  rc.pv.kind = rc.load.kind = rc.price.kind = ForecastKind::kPersistenceDay;
  rc.commit_s = 3 * 3600;
  RollingHorizonStrategy ra(m.station, m.grid, rc), rb(m.station, m.grid, rc);
  const engine::RunResult x = engine::Run(m, a, ra), y = engine::Run(m, b, rb);
  const std::int64_t commit = 12, replan = 4;
  for (std::int64_t k = 0; k < k0 + commit; ++k) BOOST_TEST_REQUIRE(x.setpoint_mw[k] == y.setpoint_mw[k], "step " << k);
  bool differs = false;
  for (std::int64_t k = k0 + commit; k < a.axis.count; ++k) differs = differs || x.setpoint_mw[k] != y.setpoint_mw[k];
  BOOST_TEST(differs);
  // Which decision fixed each step: the first plan commits [0, 3 h), every later step the
  // replan 2-3 h before it.
  for (std::int64_t j = 0; j < a.axis.count; ++j) {
    const std::int64_t at = ra.committed_at()[static_cast<std::size_t>(j)];
    if (j < commit) BOOST_TEST_REQUIRE(at == 0);
    else BOOST_TEST_REQUIRE((at > j - commit && at <= j - commit + replan && at % replan == 0), "step " << j << " committed at " << at);
  }
  // The default commitment is the replan interval: the same run as commit = replan_every.
  RollingHorizonConfig d1 = rc, d2 = rc;
  d1.commit_s = 0;
  d2.commit_s = d2.replan_s;
  RollingHorizonStrategy r1(m.station, m.grid, d1), r2(m.station, m.grid, d2);
  const engine::RunResult u = engine::Run(m, a, r1), v = engine::Run(m, a, r2);
  for (std::int64_t k = 0; k < a.axis.count; ++k) BOOST_TEST_REQUIRE(u.setpoint_mw[k] == v.setpoint_mw[k]);
  for (std::int64_t j = 0; j < a.axis.count; ++j) BOOST_TEST_REQUIRE(r1.committed_at()[static_cast<std::size_t>(j)] == j - j % replan);
}

BOOST_AUTO_TEST_CASE(looser_window_tolerance_trades_iterations_for_accuracy) {
  // dispatch.rolling_horizon.tolerance reaches each window's solve: 1e-6 instead of the
  // default 1e-8 takes fewer iterations, and the realized revenue moves by far less than
  // the forecast error does (here: perfect forecasts, so only by the plans' tolerance).
  const engine::Inputs in = Days(6, 5);
  const engine::ModelConfig m = Model();
  RollingHorizonConfig tight, loose;
  loose.tolerance = 1e-6;
  RollingHorizonStrategy rt(m.station, m.grid, tight), rl(m.station, m.grid, loose);
  const engine::RunResult a = engine::Run(m, in, rt), b = engine::Run(m, in, rl);
  BOOST_TEST(rt.stats().fallbacks == 0);
  BOOST_TEST(rl.stats().fallbacks == 0);
  BOOST_TEST(rl.stats().iterations < rt.stats().iterations);
  const double ra = NetEnergyRevenue(a, m), rb = NetEnergyRevenue(b, m);
  BOOST_TEST(std::abs(ra - rb) <= 1e-3 * std::abs(ra), "1e-8: " << ra << ", 1e-6: " << rb);
  BOOST_TEST_MESSAGE("iterations " << rt.stats().iterations << " at 1e-8, " << rl.stats().iterations << " at 1e-6");
}

BOOST_AUTO_TEST_CASE(no_export_room_leaves_no_window_to_a_cold_restart) {
  // With no export room at all, the export-room rows and the node rows are identical over
  // the columns not at a bound by the end of each solve. The banded factorization used to
  // meet an exact zero pivot there and give up, and the window was solved again from cold
  // (more than half the windows of two July weeks of the default scenario). A dependent
  // row is now decoupled and the solve ends optimal from its warm start.
  for (const double limit : {0.0, 120.0}) {
    engine::Inputs in = Days(4, 9);
    in.export_limit_mw = Series::Constant(in.axis.count, limit);
    const engine::ModelConfig m = Model();
    RollingHorizonStrategy rh(m.station, m.grid, RollingHorizonConfig{});
    const engine::RunResult r = engine::Run(m, in, rh);
    BOOST_TEST(rh.stats().status == "optimal", "export limit " << limit);
    BOOST_TEST(rh.stats().fallbacks == 0, "export limit " << limit);
    BOOST_TEST(rh.stats().cold_restarts == 0, "export limit " << limit << ": " << rh.stats().cold_restarts << " of "
                                                                << rh.stats().windows << " windows solved again from cold");
    for (std::int64_t k = 0; k < in.axis.count; ++k) BOOST_TEST_REQUIRE(r.export_mw[k] <= limit + 1e-6);
  }
}

namespace {
// The test model with grid charging not allowed and 1 %/day self-discharge.
engine::ModelConfig WithoutGridCharging() {
  engine::ModelConfig m = Model();
  m.grid.allow_grid_charging = false;
  m.station.self_discharge_per_day = 0.01;
  return m;
}

// Charge beyond the PV surplus is only the physics' standby charge, at every step.
void ChargesOnlyFromPv(const engine::Inputs& in, const engine::RunResult& r) {
  for (std::int64_t k = 0; k < in.axis.count; ++k) {
    const double surplus = std::max(0.0, in.pv_mw[k] - in.load_mw[k] - r.aux_mw[k]);
    BOOST_TEST_REQUIRE(r.charge_mw[k] - r.standby_mw[k] <= surplus + 1e-6, "step " << k);
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(without_grid_charging_no_window_is_infeasible) {
  // Grid charging not allowed, noisy PV forecasts, prices that empty the battery every
  // evening: plans end the evening at the SOC minimum, and the realized state can fall a
  // little short of what the plan expected. The next window must still hold the minimum
  // through the night. It can, through the standby charge (priced so that it holds the
  // minimum and nothing else). Before, about a third of the windows of such runs were
  // infeasible and the station idled.
  engine::Inputs in = Days(5, 21);
  const engine::ModelConfig m = WithoutGridCharging();
  RollingHorizonConfig rc;
  rc.pv.kind = ForecastKind::kNoisy;
  rc.pv.sigma_1h = 0.05;
  rc.pv.sigma_24h = 0.25;
  rc.pv.seed = 11;
  rc.pv.hi = 600.0;
  RollingHorizonStrategy rh(m.station, m.grid, rc);
  const engine::RunResult r = engine::Run(m, in, rh);
  BOOST_TEST(rh.stats().fallbacks == 0, rh.stats().fallbacks << " of " << rh.stats().windows << " windows not solved");
  BOOST_TEST(rh.stats().status == "optimal");
  ChargesOnlyFromPv(in, r);
}

BOOST_AUTO_TEST_CASE(an_unreachable_horizon_target_is_relaxed_not_idled) {
  // The same without grid charging, but each plan held to a SOC of 50 % at the end of a
  // 6 h horizon: through the nights no plan can get back there (self-discharge takes the
  // battery below the previous plan's end, and the next PV is beyond the horizon), and
  // those windows used to fail (infeasible, or with no interior left: the iteration limit)
  // and idle. Each is solved again ending at least where idling would leave the battery.
  engine::Inputs in = Days(5, 21);
  const engine::ModelConfig m = WithoutGridCharging();
  RollingHorizonConfig rc;
  rc.horizon_s = 6 * 3600;
  rc.optimal.terminal_soc = 0.5;
  RollingHorizonStrategy rh(m.station, m.grid, rc);
  const engine::RunResult r = engine::Run(m, in, rh);
  BOOST_TEST(rh.stats().fallbacks == 0, rh.stats().fallbacks << " of " << rh.stats().windows << " windows not solved");
  BOOST_TEST(rh.stats().relaxed_terminals > 0);
  BOOST_TEST((rh.stats().status == "optimal" || rh.stats().status == "optimal_inaccurate"), rh.stats().status);
  ChargesOnlyFromPv(in, r);  // (the relaxed target takes nothing from the grid either)
}

BOOST_AUTO_TEST_CASE(recorded_forecasts_are_what_was_issued) {
  const engine::Inputs in = Days(4, 6);
  const engine::ModelConfig m = Model();
  RollingHorizonConfig perfect;
  RollingHorizonStrategy rp(m.station, m.grid, perfect);
  engine::Run(m, in, rp);
  for (std::int64_t k = 0; k < in.axis.count; ++k) {
    BOOST_TEST_REQUIRE(rp.used_pv_forecast_mw()[static_cast<std::size_t>(k)] == in.pv_mw[k]);
    BOOST_TEST_REQUIRE(rp.used_price_forecast()[static_cast<std::size_t>(k)] == in.price_yuan_per_mwh[k]);
  }
  RollingHorizonConfig pers;
  pers.pv.kind = ForecastKind::kPersistenceDay;
  pers.replan_s = 900;  // replan every step: each step is forecast one step ahead
  RollingHorizonStrategy rs(m.station, m.grid, pers);
  engine::Run(m, in, rs);
  for (std::int64_t k = 96; k < in.axis.count; ++k) {
    BOOST_TEST_REQUIRE(rs.used_pv_forecast_mw()[static_cast<std::size_t>(k)] == in.pv_mw[k - 96]);
  }
}

BOOST_AUTO_TEST_CASE(shifted_solution_keeps_each_value_with_its_time_step) {
  const engine::Inputs in = Days(3, 7);
  const engine::ModelConfig m = Model();
  const InputView view{&in.axis, &in.pv_mw, &in.load_mw, &in.price_yuan_per_mwh, &in.export_limit_mw, &in.import_limit_mw};
  const std::vector<double> e0(2, std::nan(""));
  OptimalConfig apart;  // the two phases (2 h each, same SOC) would be merged: keep them apart here
  apart.merge_identical_phases = false;
  const DispatchProblem from = BuildDispatchProblem(m.station, m.grid, view, apart, 10, 192, e0);
  const DispatchProblem to = BuildDispatchProblem(m.station, m.grid, view, apart, 14, 192, e0);
  opt::Solution s;  // each entry tagged with its index
  s.x = Eigen::VectorXd::LinSpaced(from.problem.num_vars(), 0, from.problem.num_vars() - 1);
  s.z = -s.x;
  s.y = Eigen::VectorXd::LinSpaced(from.problem.num_rows(), 0, from.problem.num_rows() - 1);
  const opt::Solution w = ShiftSolution(from, s, to, 4);
  BOOST_TEST_REQUIRE(w.x.size() == to.problem.num_vars());
  BOOST_TEST_REQUIRE(w.y.size() == to.problem.num_rows());
  for (std::int64_t t = 0; t < to.steps; ++t) {
    const std::int64_t f = std::min<std::int64_t>(t + 4, from.steps - 1);  // past the end: the last step
    for (std::size_t p = 0; p < 2; ++p) {
      BOOST_TEST_REQUIRE(w.x[to.Energy(t, p)] == s.x[from.Energy(f, p)]);
      BOOST_TEST_REQUIRE(w.z[to.Charge(t, p)] == s.z[from.Charge(f, p)]);
    }
    BOOST_TEST_REQUIRE(w.x[to.Node(t, 1)] == s.x[from.Node(f, 1)]);
    const auto ts = static_cast<std::size_t>(t), fs = static_cast<std::size_t>(f);
    BOOST_TEST_REQUIRE(to.step_rows[ts + 1] - to.step_rows[ts] == from.step_rows[fs + 1] - from.step_rows[fs]);
    BOOST_TEST_REQUIRE(w.y[to.step_rows[ts]] == s.y[from.step_rows[fs]]);
  }
  BOOST_TEST(to.step_rows.back() == to.problem.num_rows());
  // Into a problem with a standby column (the load above the import limit at one step):
  // the node's first three columns move as before, the standby starts at zero.
  engine::Inputs squeezed = in;
  squeezed.import_limit_mw[100] = 0.0;
  const InputView view4{&squeezed.axis, &squeezed.pv_mw, &squeezed.load_mw, &squeezed.price_yuan_per_mwh,
                        &squeezed.export_limit_mw, &squeezed.import_limit_mw};
  const DispatchProblem to4 = BuildDispatchProblem(m.station, m.grid, view4, apart, 14, 192, e0);
  BOOST_TEST_REQUIRE(from.node_columns == 3);
  BOOST_TEST_REQUIRE(to4.standby_column);
  const opt::Solution w4 = ShiftSolution(from, s, to4, 4);
  for (std::int64_t t = 0; t < to4.steps; ++t) {
    const std::int64_t f = std::min<std::int64_t>(t + 4, from.steps - 1);
    for (int k = 0; k < 3; ++k) BOOST_TEST_REQUIRE(w4.x[to4.Node(t, k)] == s.x[from.Node(f, k)]);
    BOOST_TEST_REQUIRE(w4.x[to4.Standby(t)] == 0.0);
    BOOST_TEST_REQUIRE(w4.x[to4.Energy(t, 1)] == s.x[from.Energy(f, 1)]);
  }
  // Into a problem with the phases merged: each step's group total in the leader's columns.
  const DispatchProblem merged = BuildDispatchProblem(m.station, m.grid, view, {}, 14, 192, e0);
  BOOST_TEST_REQUIRE(merged.leader[1] == 0u);
  const opt::Solution wm = ShiftSolution(from, s, merged, 4);
  for (std::int64_t t = 0; t < merged.steps; ++t) {
    const std::int64_t f = std::min<std::int64_t>(t + 4, from.steps - 1);
    for (int k = 0; k < 3; ++k) {
      BOOST_TEST_REQUIRE(wm.x[merged.Charge(t, 0) + k] == s.x[from.Charge(f, 0) + k] + s.x[from.Charge(f, 1) + k]);
      BOOST_TEST_REQUIRE(wm.x[merged.Charge(t, 1) + k] == 0.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(problem_rebuilt_in_place_equals_a_fresh_build) {
  // The rolling strategy rebuilds each window into the problem of two windows back: with
  // the same pattern only A's values are written (its storage stays where it was), with
  // another pattern A is built anew. Either way the result must be the fresh build, bit
  // for bit.
  const engine::Inputs in = Days(4, 9);
  engine::ModelConfig m = Model();
  m.station.phases[1].in_service_unix_s = in.axis.TimeAt(150);  // commissioned inside some windows
  const InputView view{&in.axis, &in.pv_mw, &in.load_mw, &in.price_yuan_per_mwh, &in.export_limit_mw, &in.import_limit_mw};
  OptimalConfig capped;
  capped.max_cycles_per_day = 1.0;
  struct Case {
    std::int64_t first, count;
    OptimalConfig cfg;
    bool same_pattern;  // as the case before
  };
  const std::vector<Case> cases = {{0, 96, {}, false},   {4, 96, {}, true},    {8, 96, {}, true},
                                   {60, 96, {}, false},  {200, 96, {}, false}, {204, 96, {}, true},
                                   {204, 50, {}, false}, {204, 50, capped, false}, {208, 50, capped, true}};
  DispatchProblem dp;
  std::vector<double> e0 = {150.0, 70.0};
  for (const Case& c : cases) {
    const double* values_before = dp.problem.A.valuePtr();
    e0[0] += 1.0;  // the state moves too
    RebuildDispatchProblem(m.station, m.grid, view, c.cfg, c.first, c.count, e0, &dp);
    const DispatchProblem fresh = BuildDispatchProblem(m.station, m.grid, view, c.cfg, c.first, c.count, e0);
    const opt::Problem &a = dp.problem, &b = fresh.problem;
    BOOST_TEST_REQUIRE(a.A.rows() == b.A.rows());
    BOOST_TEST_REQUIRE(a.A.cols() == b.A.cols());
    BOOST_TEST_REQUIRE(a.A.nonZeros() == b.A.nonZeros());
    for (Eigen::Index j = 0; j <= a.A.cols(); ++j) BOOST_TEST_REQUIRE(a.A.outerIndexPtr()[j] == b.A.outerIndexPtr()[j]);
    for (Eigen::Index q = 0; q < a.A.nonZeros(); ++q) {
      BOOST_TEST_REQUIRE(a.A.innerIndexPtr()[q] == b.A.innerIndexPtr()[q]);
      BOOST_TEST_REQUIRE(a.A.valuePtr()[q] == b.A.valuePtr()[q]);
    }
    BOOST_TEST_REQUIRE((a.row_lo.array() == b.row_lo.array()).all());
    BOOST_TEST_REQUIRE((a.row_hi.array() == b.row_hi.array()).all());
    BOOST_TEST_REQUIRE((a.c.array() == b.c.array()).all());
    BOOST_TEST_REQUIRE((a.x_lo.array() == b.x_lo.array()).all());
    BOOST_TEST_REQUIRE((a.x_hi.array() == b.x_hi.array()).all());
    BOOST_TEST_REQUIRE((dp.step_rows == fresh.step_rows));
    if (c.same_pattern) BOOST_TEST(dp.problem.A.valuePtr() == values_before);  // the structure was kept
    const opt::Result r = opt::Solve(a), f = opt::Solve(b);
    BOOST_TEST(r.info.objective == f.info.objective);
  }
}

BOOST_AUTO_TEST_CASE(warm_started_windows_reach_the_cold_optimum_in_fewer_iterations) {
  // Consecutive hourly windows of a 48 h horizon, as the strategy solves them: each from
  // the previous solution shifted by 4 steps, against the same window from cold.
  const engine::Inputs in = Days(5, 8);
  const engine::ModelConfig m = Model();
  const InputView view{&in.axis, &in.pv_mw, &in.load_mw, &in.price_yuan_per_mwh, &in.export_limit_mw, &in.import_limit_mw};
  OptimalConfig oc;
  oc.terminal_value_yuan_per_mwh = 250.0;
  std::vector<double> e(2, 120.0);
  e[1] = 40.0;
  DispatchProblem last = BuildDispatchProblem(m.station, m.grid, view, oc, 0, 192, e);
  opt::Result prev = opt::Solve(last.problem);
  BOOST_TEST_REQUIRE((prev.status == opt::Status::kOptimal));
  int warm_iterations = 0, cold_iterations = 0;
  for (int w = 1; w <= 24; ++w) {
    const std::int64_t first = 4 * w;
    for (std::size_t p = 0; p < 2; ++p) e[p] = prev.solution.x[last.Energy(3, p)];  // the state after an hour
    const DispatchProblem dp = BuildDispatchProblem(m.station, m.grid, view, oc, first, 192, e);
    const opt::Solution start = ShiftSolution(last, prev.solution, dp, 4);
    opt::Options o;
    o.warm_start = &start;
    const opt::Result warm = opt::Solve(dp.problem, o), cold = opt::Solve(dp.problem);
    BOOST_TEST_REQUIRE((warm.status == opt::Status::kOptimal));
    BOOST_TEST_REQUIRE((cold.status == opt::Status::kOptimal));
    BOOST_TEST(std::abs(warm.info.objective - cold.info.objective) <= 1e-7 * std::abs(cold.info.objective));
    warm_iterations += warm.info.iterations;
    cold_iterations += cold.info.iterations;
    last = dp;
    prev = warm;
  }
  BOOST_TEST_MESSAGE("24 windows: " << warm_iterations << " iterations warm, " << cold_iterations << " cold");
  BOOST_TEST(warm_iterations < cold_iterations);
}

BOOST_AUTO_TEST_SUITE_END()
