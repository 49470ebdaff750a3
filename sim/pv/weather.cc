#include "sim/pv/weather.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "sim/core/rng.h"
#include <vector>
#include "sim/pv/irradiance.h"

namespace essim::pv {
namespace {

int LocalDayOfYear(const TimeAxis& axis, std::int64_t t) {
  const std::int64_t local = t + axis.utc_offset_s;
  const std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return static_cast<int>(days - DaysFromCivil(y, 1, 1)) + 1;
}

// Monthly value interpolated linearly between mid-month anchors (day-of-year based).
double MonthlyInterp(const std::array<double, 12>& v, int doy) {
  static constexpr double kMid[12] = {16, 45.5, 75, 105.5, 136, 166.5, 197, 228, 258.5, 289, 319.5, 350};
  const double d = doy;
  int i = 11;
  while (i >= 0 && kMid[i] > d) --i;
  if (i < 0) {  // before mid-January: between December and January
    const double f = (d + 365.0 - kMid[11]) / (kMid[0] + 365.0 - kMid[11]);
    return v[11] + f * (v[0] - v[11]);
  }
  if (i == 11) {
    const double f = (d - kMid[11]) / (kMid[0] + 365.0 - kMid[11]);
    return v[11] + f * (v[0] - v[11]);
  }
  const double f = (d - kMid[i]) / (kMid[i + 1] - kMid[i]);
  return v[static_cast<std::size_t>(i)] + f * (v[static_cast<std::size_t>(i) + 1] - v[static_cast<std::size_t>(i)]);
}

}  // namespace

SunTerms ComputeSunTerms(const TimeAxis& axis, SunAt at, const SpaSite& site) {
  const double offset = at == SunAt::kMidpoint ? axis.step_s / 2.0 : 0.0;
  SunSeries s = SolarPositions(axis, offset, site);
  SunTerms t;
  t.zenith_deg = std::move(s.zenith_deg);
  t.apparent_zenith_deg = std::move(s.apparent_zenith_deg);
  t.azimuth_deg = std::move(s.azimuth_deg);
  const Eigen::Index n = axis.count;
  for (auto* x : {&t.dni_extra_w_m2, &t.airmass_relative, &t.sun_east, &t.sun_north, &t.sun_up}) x->resize(n);
  t.local_month.resize(static_cast<std::size_t>(n));
  std::int64_t day = std::numeric_limits<std::int64_t>::min();
  double extra = 0.0;
  int month = 1;
  constexpr double kDeg = std::numbers::pi / 180.0;
  for (Eigen::Index k = 0; k < n; ++k) {
    const auto tk = axis.TimeAt(k) + static_cast<std::int64_t>(offset);
    const std::int64_t local = axis.TimeAt(k) + axis.utc_offset_s;
    const std::int64_t d = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    if (d != day) {  // calendar terms change once a day
      day = d;
      extra = ExtraterrestrialIrradiance(LocalDayOfYear(axis, tk));
      month = axis.LocalMonth(k);
    }
    t.dni_extra_w_m2[k] = extra;
    t.local_month[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(month);
    const double z = t.apparent_zenith_deg[k] * kDeg, a = t.azimuth_deg[k] * kDeg;
    const double sz = std::sin(z);
    t.sun_east[k] = sz * std::sin(a);
    t.sun_north[k] = sz * std::cos(a);
    t.sun_up[k] = std::cos(z);
    t.airmass_relative[k] = RelativeAirmass(t.apparent_zenith_deg[k]);
  }
  return t;
}

void DecomposeMissing(Weather* w, const SunTerms& sun) {
  for (Eigen::Index k = 0; k < w->ghi_w_m2.size(); ++k) {
    if (!std::isnan(w->dni_w_m2[k]) && !std::isnan(w->dhi_w_m2[k])) continue;
    const ClearSky c = Erbs(w->ghi_w_m2[k], sun.apparent_zenith_deg[k], sun.dni_extra_w_m2[k]);
    w->dni_w_m2[k] = c.dni;
    w->dhi_w_m2[k] = c.dhi;
  }
}

Weather SynthesizeWeather(const SyntheticWeatherConfig& c, const TimeAxis& axis, const SunTerms& sun,
                          const SpaSite& site) {
  const Eigen::Index n = axis.count;
  Weather w;
  for (auto* s : {&w.ghi_w_m2, &w.dni_w_m2, &w.dhi_w_m2, &w.temp_air_c, &w.wind_speed_m_s}) s->resize(n);
  Rng sky_rng(c.seed, 1), temp_rng(c.seed, 2), wind_rng(c.seed, 3);
  const double pressure = AltitudeToPressure(site.elevation_m);
  const double phi = std::pow(0.9, axis.step_s / 900.0);     // intra-day AR(1) per step (0.9 per 15 min)
  const double phi_wind = std::pow(0.95, axis.step_s / 900.0);
  const double solar_shift_h = (site.longitude_deg - axis.utc_offset_s / 240.0) / 15.0;  // local solar − clock
  bool clear = true;
  double day_index = c.clear_index_clear, sigma = c.intraday_sigma_clear, ar = 0.0, wind_ar = 0.0;
  double temp_anomaly = 0.0, range_factor = 1.0;
  std::int64_t current_day = std::numeric_limits<std::int64_t>::min();
  // Daily cycles depend on the local clock only: tabulate them per step of the day.
  const int steps_per_day = std::max(1, 86400 / axis.step_s);
  std::vector<double> cycle(static_cast<std::size_t>(steps_per_day));
  for (int i = 0; i < steps_per_day; ++i) {
    const double solar_hour = (i * axis.step_s + axis.step_s / 2.0) / 3600.0 + solar_shift_h;
    cycle[static_cast<std::size_t>(i)] = std::cos(2.0 * std::numbers::pi * (solar_hour - 15.0) / 24.0);
  }
  const bool whole_days = 86400 % axis.step_s == 0;
  double mean_today = 0.0, range_today = 0.0;
  for (Eigen::Index k = 0; k < n; ++k) {
    const std::int64_t local = axis.TimeAt(k) + axis.utc_offset_s;
    const std::int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    if (day != current_day) {  // a new day: sky state, daily clearness, temperature anomaly
      current_day = day;
      const double stay = clear ? c.p_clear_stays_clear : c.p_cloudy_stays_cloudy;
      if (sky_rng.Uniform() > stay) clear = !clear;
      if (clear) {
        day_index = std::clamp(c.clear_index_clear + 0.03 * sky_rng.Normal(), 0.85, 1.05);
        sigma = c.intraday_sigma_clear;
        range_factor = 1.0;
      } else {
        day_index = std::clamp(c.clear_index_cloudy + 0.15 * sky_rng.Normal(), 0.15, 0.9);
        sigma = c.intraday_sigma_cloudy;
        range_factor = 0.6;
      }
      temp_anomaly = 0.7 * temp_anomaly + 2.5 * std::sqrt(1.0 - 0.49) * temp_rng.Normal();
      const int doy = LocalDayOfYear(axis, axis.TimeAt(k));
      mean_today = MonthlyInterp(c.temp_mean_c, doy) + temp_anomaly;
      range_today = MonthlyInterp(c.temp_range_c, doy) * range_factor;
    }
    ar = phi * ar + sigma * std::sqrt(1.0 - phi * phi) * sky_rng.Normal();
    const double kc = std::clamp(day_index + ar, 0.05, 1.08);
    const int month = sun.local_month[static_cast<std::size_t>(k)];
    const double zen = sun.apparent_zenith_deg[k];
    double ghi = 0.0;
    if (zen < 90.0) {
      const double am_abs = sun.airmass_relative[k] * pressure / 101325.0;
      const ClearSky cs = IneichenPerez(zen, am_abs, c.linke_turbidity[static_cast<std::size_t>(month - 1)],
                                        site.elevation_m, sun.dni_extra_w_m2[k]);
      ghi = kc * cs.ghi;
    }
    w.ghi_w_m2[k] = ghi;
    const ClearSky parts = Erbs(ghi, sun.apparent_zenith_deg[k], sun.dni_extra_w_m2[k]);
    w.dni_w_m2[k] = parts.dni;
    w.dhi_w_m2[k] = parts.dhi;
    // Temperature: daily mean + cosine daily cycle peaking at 15:00 solar time.
    double cyc;
    if (whole_days) {
      cyc = cycle[static_cast<std::size_t>(axis.LocalSecondOfDay(k) / axis.step_s)];
    } else {
      const double solar_hour = (axis.LocalSecondOfDay(k) + axis.step_s / 2.0) / 3600.0 + solar_shift_h;
      cyc = std::cos(2.0 * std::numbers::pi * (solar_hour - 15.0) / 24.0);
    }
    w.temp_air_c[k] = mean_today + 0.5 * range_today * cyc;
    // Wind: lognormal AR(1) around a diurnal mean (afternoon maximum).
    wind_ar = phi_wind * wind_ar + 0.35 * std::sqrt(1.0 - phi_wind * phi_wind) * wind_rng.Normal();
    const double diurnal = 1.0 + 0.3 * cyc;
    w.wind_speed_m_s[k] = c.wind_mean_m_s * diurnal * std::exp(wind_ar - 0.5 * 0.35 * 0.35);
  }
  return w;
}

FleetResult SimulateFleet(const std::vector<PlantConfig>& plants, const TimeAxis& axis, const SunTerms& sun,
                          const Weather& w) {
  FleetResult r;
  r.ac_mw = Series::Zero(axis.count);
  for (const auto& p : plants) {
    r.plants.push_back(SimulatePlant(p, axis, sun, w));
    r.ac_mw += r.plants.back().ac_mw;
  }
  return r;
}

Series PvUpperBound(const TimeAxis& axis, const Series& apparent_zenith_deg, double sample_offset_s,
                    double ac_capacity_mw) {
  // The farthest instant of the step from the sample, h, times the sun's fastest motion.
  const double reach_h = std::max(sample_offset_s, static_cast<double>(axis.step_s) - sample_offset_s) / 3600.0;
  const double dark_beyond_deg = kNightZenithDeg + 15.0 * reach_h;
  Series bound(apparent_zenith_deg.size());
  for (Eigen::Index k = 0; k < bound.size(); ++k) bound[k] = apparent_zenith_deg[k] > dark_beyond_deg ? 0.0 : ac_capacity_mw;
  return bound;
}

}  // namespace essim::pv
