// Weather for PV: sun terms shared by all plants, and a seeded synthetic weather
// generator for any site (Ineichen-Perez clear sky × a stochastic clear-sky index,
// temperature from monthly means and a daily cycle, wind).
#pragma once

#include <array>
#include <cstdint>

#include "sim/core/time.h"
#include "sim/pv/plant.h"
#include "sim/pv/solar_position.h"

namespace essim::pv {

//! Where in each interval the sun is computed: the midpoint (interval-average data
//! labelled by the interval start) or the timestamp itself.
enum class SunAt { kMidpoint, kInstant };

//! Sun position, extraterrestrial irradiance and relative air mass for every step
//! (one SPA pass for a whole fleet).
SunTerms ComputeSunTerms(const TimeAxis& axis, SunAt at, const SpaSite& site);

//! Synthetic weather parameters. Defaults: Jiayuguan (DOMAIN: annual GHI ≈ 1650 kWh/m²,
//! January ≈ −9.7 °C, July ≈ 21.8 °C).
struct SyntheticWeatherConfig {
  std::uint64_t seed = 7;
  //! Monthly Linke turbidity (Hexi corridor, typical: clear winters, spring dust).
  std::array<double, 12> linke_turbidity{2.9, 3.1, 3.6, 4.0, 4.0, 3.8, 3.7, 3.5, 3.2, 3.0, 2.9, 2.8};
  //! Monthly mean air temperature, °C (Jiayuguan climate normals, typical between).
  std::array<double, 12> temp_mean_c{-9.7, -5.5, 1.8, 9.6, 15.8, 20.0, 21.8, 20.4, 14.9, 7.6, -0.6, -7.9};
  //! Mean daily temperature range (max − min), °C (continental desert, typical).
  std::array<double, 12> temp_range_c{14.0, 14.0, 14.0, 15.0, 15.0, 14.0, 13.0, 13.0, 14.0, 15.0, 15.0, 14.0};
  double wind_mean_m_s = 3.3;          //!< mean wind speed at module height
  double p_clear_stays_clear = 0.76;   //!< day-to-day persistence of clear days (calibrated: annual GHI ≈ 1650)
  double p_cloudy_stays_cloudy = 0.55; //!< day-to-day persistence of cloudy days
  double clear_index_clear = 0.92;     //!< mean clear-sky index of a clear day
  double clear_index_cloudy = 0.48;    //!< mean clear-sky index of a cloudy day
  double intraday_sigma_clear = 0.02;  //!< intra-day variability (AR(1) σ) on clear days
  double intraday_sigma_cloudy = 0.18; //!< on cloudy days
};

//! Generates weather on the axis for the site; same seed, same bits.
Weather SynthesizeWeather(const SyntheticWeatherConfig& c, const TimeAxis& axis, const SunTerms& sun,
                          const SpaSite& site);

//! Completes DNI and DHI from GHI with Erbs where they are absent (NaN), on the apparent
//! zenith that transposition uses too, so GHI = DNI cos z + DHI holds in the plane model.
void DecomposeMissing(Weather* w, const SunTerms& sun);

//! Fleet result: each plant's outputs and the fleet AC sum.
struct FleetResult {
  std::vector<PlantOutput> plants;
  Series ac_mw;
};

//! Simulates every plant with the shared sun terms and weather.
FleetResult SimulateFleet(const std::vector<PlantConfig>& plants, const TimeAxis& axis, const SunTerms& sun,
                          const Weather& w);

//! What a PV fleet can produce at most, known ahead of any forecast: 0 in steps during which
//! the sun stays more than kNightZenithDeg − 90° below the horizon (past civil twilight, no
//! usable light), `ac_capacity_mw` (the inverters' rating; +inf when unknown) otherwise.
//! `apparent_zenith_deg` is sampled `sample_offset_s` after each step's start; the sun moves
//! at most 15°/h, so a step counts as dark only when the sample is that far beyond the limit
//! at both ends of the step.
inline constexpr double kNightZenithDeg = 96.0;
Series PvUpperBound(const TimeAxis& axis, const Series& apparent_zenith_deg, double sample_offset_s,
                    double ac_capacity_mw);

}  // namespace essim::pv
