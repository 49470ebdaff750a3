// Station physics components: rainflow against ASTM E1049-85, transformer losses, the PCS
// curve, the conversion chain and its inverse, the auxiliary load, cycle and calendar fade,
// and forced outages against their two-state Markov steady state.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <vector>

#include "sim/storage/ageing.h"
#include "sim/storage/availability.h"
#include "sim/storage/conversion.h"

namespace essim::storage {
namespace {

struct Cycle {
  double range, mean, count;
};

std::vector<Cycle> Count(const std::vector<double>& series) {
  std::vector<Cycle> out;
  Rainflow rf([&](double r, double m, double c) { out.push_back({r, m, c}); });
  for (double x : series) rf.Push(x);
  rf.Finish();
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(physics)

BOOST_AUTO_TEST_CASE(rainflow_matches_the_astm_e1049_example) {
  // ASTM E1049-85 (2017) sec. 5.4.4, Fig. 6: -2, 1, -3, 5, -1, 3, -4, 4, -2. Its published
  // result: range 3 half, 4 one and a half (one full cycle 3→-1... and a half), 6 half,
  // 8 one (two halves), 9 half.
  const auto cycles = Count({-2, 1, -3, 5, -1, 3, -4, 4, -2});
  std::map<double, double> histogram;
  for (const auto& c : cycles) histogram[c.range] += c.count;
  const std::map<double, double> expected{{3, 0.5}, {4, 1.5}, {6, 0.5}, {8, 1.0}, {9, 0.5}};
  BOOST_TEST(histogram == expected);
  // The one full cycle is 3 → -1 (mean 1); the first half cycle -2 → 1 (mean -0.5).
  int full = 0;
  for (const auto& c : cycles) {
    if (c.count == 1.0) {
      ++full;
      BOOST_TEST(c.range == 4.0);
      BOOST_TEST(c.mean == 1.0);
    }
  }
  BOOST_TEST(full == 1);
  BOOST_TEST(cycles.front().range == 3.0);
  BOOST_TEST(cycles.front().mean == -0.5);
  BOOST_TEST(cycles.front().count == 0.5);
  // Samples between turning points and repeated values change nothing.
  const auto dense = Count({-2, -1, 0, 1, 1, -3, 0, 5, 2, -1, 3, 3, -4, 0, 4, 1, -2});
  std::map<double, double> h2;
  for (const auto& c : dense) h2[c.range] += c.count;
  BOOST_TEST(h2 == expected);
}

BOOST_AUTO_TEST_CASE(transformer_loss_at_rated_and_half_load) {
  // 500 MW phase, transformer rated 110 % of it: 550 MVA; no-load 0.1 %, load loss 0.9 %.
  const TransformerConfig t{1.1, 0.001, 0.009};
  BOOST_TEST(t.NoLoadMw(500.0) == 0.55, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(t.LoadLossMw(550.0, 500.0) == 4.95, boost::test_tools::tolerance(1e-12));         // rated: 0.9 % of 550
  BOOST_TEST(t.LoadLossMw(275.0, 500.0) == 4.95 / 4.0, boost::test_tools::tolerance(1e-12));  // half load: a quarter
  BOOST_TEST(t.LoadLossMw(0.0, 500.0) == 0.0);
}

BOOST_AUTO_TEST_CASE(pcs_curve_interpolates_linearly_and_holds_its_ends) {
  const EfficiencyCurve c{{0.1, 0.2, 0.5, 1.0}, {0.96, 0.975, 0.984, 0.983}};
  BOOST_TEST(c.At(0.1) == 0.96);
  BOOST_TEST(c.At(0.5) == 0.984);
  BOOST_TEST(c.At(0.15) == 0.9675, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(c.At(0.35) == 0.9795, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(c.At(0.75) == 0.9835, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(c.At(0.01) == 0.96);
  BOOST_TEST(c.At(1.2) == 0.983);
}

BOOST_AUTO_TEST_CASE(conversion_chain_books_every_loss_and_its_inverse_is_exact) {
  ConversionConfig cfg;
  cfg.detailed = true;
  cfg.pcs = EfficiencyCurve{{0.1, 0.5, 1.0}, {0.96, 0.984, 0.983}};
  cfg.battery_efficiency = 0.97;
  cfg.skid = {1.0, 0.001, 0.009};
  cfg.main = {1.0, 0.0003, 0.002};
  const Conversion conv(cfg, 500.0, 0.922, 0.922);
  // Charging 250 MW: each element's loss, by hand.
  ChainLosses l;
  const double stored = conv.Charge(250.0, &l);
  const double main = 0.002 * 250.0 * 250.0 / 500.0;
  const double mv = 250.0 - main;
  const double skid = 0.009 * mv * mv / 500.0;
  const double ac = mv - skid;
  const double eta = 0.96 + (ac / 500.0 - 0.1) / 0.4 * (0.984 - 0.96);
  BOOST_TEST(l.main == main, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(l.skid == skid, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(l.pcs == ac * (1.0 - eta), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(stored == ac * eta * 0.97, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(250.0 - l.Total() == stored, boost::test_tools::tolerance(1e-12));  // conservation
  // Discharge: drawn = delivered + losses.
  ChainLosses ld;
  const double drawn = conv.Discharge(300.0, &ld);
  BOOST_TEST(drawn - ld.Total() == 300.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(drawn > 300.0 / (0.984 * 0.97));
  // The inverses respect their bound exactly and sit on it.
  for (double target : {1e-9, 0.3, 17.0, 123.4, 240.0}) {
    const double c = conv.MaxCharge(target, 500.0);
    ChainLosses x;
    BOOST_TEST(conv.Charge(c, &x) <= target);
    BOOST_TEST(conv.Charge(c, &x) >= target * (1 - 1e-12));
    const double d = conv.MaxDischarge(target, 500.0);
    BOOST_TEST(conv.Discharge(d, &x) <= target);
    BOOST_TEST(conv.Discharge(d, &x) >= target * (1 - 1e-12));
  }
  BOOST_TEST(conv.MaxCharge(1e6, 500.0) == 500.0);
  BOOST_TEST(conv.SkidNoLoadMw() == 0.5, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(conv.MainNoLoadMw() == 0.15, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(aux_responds_to_temperature_with_the_configured_slopes) {
  AuxConfig a;
  a.cool_above_c = 25.0;
  a.heat_below_c = 0.0;
  a.cooling_per_c = 0.04;
  a.heating_per_c = 0.03;
  a.throughput_fraction = 0.003;
  const double base = 5.0;
  BOOST_TEST(a.Mw(base, 10.0, 0.0) == 5.0);  // in the dead band: the base
  BOOST_TEST(a.Mw(base, 25.0, 0.0) == 5.0);
  BOOST_TEST(a.Mw(base, 35.0, 0.0) == 5.0 * (1 + 0.04 * 10), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(a.Mw(base, -20.0, 0.0) == 5.0 * (1 + 0.03 * 20), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(a.Mw(base, 30.0, 0.0) > a.Mw(base, 28.0, 0.0));   // hotter: more cooling
  BOOST_TEST(a.Mw(base, -10.0, 0.0) > a.Mw(base, -5.0, 0.0));  // colder: more heating
  BOOST_TEST(a.Mw(base, 10.0, -400.0) == 5.0 + 0.003 * 400.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(a.CellTempC(39.0) == 25.0);
  BOOST_TEST(a.CellTempC(-30.0) == 0.0);
  BOOST_TEST(a.CellTempC(12.0) == 12.0);
}

BOOST_AUTO_TEST_CASE(cycle_fade_follows_the_table_and_calendar_fade_is_k_sqrt_t) {
  AgeingConfig a;
  // At a table point, one cycle fades table_fade / cycles.
  BOOST_TEST(a.CycleFade(0.8) == 0.2 / 7000.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(a.CycleFade(1.0) == 0.2 / 6000.0, boost::test_tools::tolerance(1e-12));
  // Between points: log-log, so deeper is always worse, and 0 depth costs nothing.
  double prev = 0.0;
  for (double d = 0.05; d <= 1.0; d += 0.05) {
    BOOST_TEST(a.CycleFade(d) > prev);
    prev = a.CycleFade(d);
  }
  BOOST_TEST(a.CycleFade(0.0) == 0.0);
  // SAM's calendar model: at 296 K and SOC 100 % both exponentials are 1, so k = a.
  BOOST_TEST(a.CalendarK(296.0 - 273.15, 1.0) == 2.66e-3, boost::test_tools::tolerance(1e-12));
  // Hotter and fuller age faster.
  BOOST_TEST(a.CalendarK(35.0, 0.5) > a.CalendarK(25.0, 0.5));
  BOOST_TEST(a.CalendarK(25.0, 0.9) > a.CalendarK(25.0, 0.5));
  // Time-equivalent integration: constant conditions in daily pieces give k √t exactly.
  BlockAgeing b{1000.0, 0.0, 0.0};
  const double k = a.CalendarK(25.0, 0.5);
  for (int day = 0; day < 3650; ++day) b.AddCalendar(k, 1.0);
  BOOST_TEST(b.calendar_fade == k * std::sqrt(3650.0), boost::test_tools::tolerance(1e-9));
  // Zero time, no fade; fade never decreases when conditions change.
  BlockAgeing z{1000.0, 0.0, 0.0};
  z.AddCalendar(k, 0.0);
  BOOST_TEST(z.calendar_fade == 0.0);
  double last = 0.0;
  for (int day = 0; day < 100; ++day) {
    z.AddCalendar(a.CalendarK(day % 2 ? 5.0 : 30.0, day % 3 ? 0.2 : 0.9), 1.0);
    BOOST_TEST(z.calendar_fade >= last);
    last = z.calendar_fade;
  }
}

BOOST_AUTO_TEST_CASE(forced_outages_reach_the_markov_steady_state_and_are_seeded) {
  // Two-state units: unavailability = MTTR / (MTBF + MTTR). 100 units, MTBF 500 h, MTTR
  // 100 h: 1/6 out on average. Hourly samples over 20 years.
  const ForcedOutageConfig f{5.0, 500.0, 100.0, 7};
  PhaseAvailability a({}, f, 500.0, 0, 0), b({}, f, 500.0, 0, 0);
  BOOST_TEST(a.units() == 100);
  double sum = 0.0;
  const int n = 20 * 8760;
  for (int h = 0; h < n; ++h) {
    const double x = a.At(static_cast<std::int64_t>(h) * 3600);
    BOOST_TEST_REQUIRE(x == b.At(static_cast<std::int64_t>(h) * 3600));  // same seed, same outages
    sum += x;
  }
  // Standard error of the mean: units independent, correlation time ~ 83 h: about 0.001.
  BOOST_TEST(std::abs(sum / n - 5.0 / 6.0) < 0.01);
  // Planned outages multiply: half the phase out on [10 h, 20 h).
  PhaseAvailability p({{10 * 3600, 20 * 3600, 0.5}}, ForcedOutageConfig{}, 500.0, 0, 0);
  BOOST_TEST(p.At(9 * 3600) == 1.0);
  BOOST_TEST(p.At(10 * 3600) == 0.5);
  BOOST_TEST(p.At(20 * 3600 - 1) == 0.5);
  BOOST_TEST(p.At(20 * 3600) == 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace essim::storage
