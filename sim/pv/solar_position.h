// Solar position by the NREL Solar Position Algorithm (SPA): Reda, I. and Andreas, A.,
// "Solar Position Algorithm for Solar Radiation Applications", NREL/TP-560-34302
// (2003, revised 2008); Solar Energy 76(5), 577-589 (2004). Stated uncertainty
// ±0.0003° over years -2000 to 6000.
#pragma once

#include <cstdint>

#include "sim/core/series.h"
#include "sim/core/time.h"

namespace essim::pv {

//! Observer and atmosphere for SPA.
struct SpaSite {
  double latitude_deg = 0.0;    //!< north positive, [-90, 90]
  double longitude_deg = 0.0;   //!< east positive, [-180, 180]
  double elevation_m = 0.0;     //!< above sea level
  double pressure_mbar = 1013.25;  //!< annual mean local pressure, for refraction
  double temperature_c = 12.0;     //!< annual mean temperature, for refraction
  double atmos_refraction_deg = 0.5667;  //!< refraction at sunrise/sunset
};

//! SPA outputs (topocentric).
struct SpaResult {
  double zenith_deg = 0.0;           //!< without refraction (90 − e0)
  double apparent_zenith_deg = 0.0;  //!< with refraction (90 − e); the paper's θ
  double azimuth_deg = 0.0;          //!< clockwise from north (the paper's Φ)
  double declination_deg = 0.0;      //!< geocentric δ
  double right_ascension_deg = 0.0;  //!< geocentric α
  double hour_angle_deg = 0.0;       //!< observer local hour angle H
  double earth_radius_au = 1.0;      //!< Earth-Sun distance R
  double equation_of_time_min = 0.0; //!< E, minutes
};

//! ΔT = TT − UT1, s, from Espenak & Meeus (NASA, 2006) polynomials for 1986-2150.
double DeltaTSeconds(double decimal_year);
//! Decimal year of a Unix time (UT), e.g. 2025.5 in early July 2025.
double DecimalYear(double unix_s);

//! Full SPA at one instant (Unix seconds, UT).
SpaResult Spa(double unix_s, double delta_t_s, const SpaSite& site);

//! Sun position series, one value per step, evaluated at `axis.TimeAt(k) + at_offset_s`.
struct SunSeries {
  Series zenith_deg;            //!< without refraction
  Series apparent_zenith_deg;   //!< with refraction
  Series azimuth_deg;           //!< clockwise from north
};

//! SPA for every step, with ΔT = DeltaTSeconds(DecimalYear(t)). The geocentric terms (the periodic series of Earth's heliocentric
//! position and nutation, which depend on time only) are evaluated exactly at daily
//! knots and interpolated by cubic Lagrange polynomials (error below 1e-7° for the
//! sun's α and δ); the topocentric part is exact at every step. Agrees with Spa() to
//! better than 1e-6° (tested).
SunSeries SolarPositions(const TimeAxis& axis, double at_offset_s, const SpaSite& site);

}  // namespace essim::pv
