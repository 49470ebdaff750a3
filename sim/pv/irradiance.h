// Irradiance models, each the published one with its coefficients. Angles in degrees,
// irradiance in W/m². Conventions follow pvlib-python so results can be compared with it:
// azimuths clockwise from north, surface azimuth 180° = facing south.
#pragma once

namespace essim::pv {

//! Extraterrestrial normal irradiance, Spencer (1971) Fourier series of (R0/R)², with the
//! solar constant 1366.1 W/m². `day_of_year` 1-366.
double ExtraterrestrialIrradiance(int day_of_year, double solar_constant = 1366.1);

//! Relative air mass, Kasten & Young (1989): 1 / (cos z + 0.50572 (6.07995° + 90° − z)^−1.6364).
//! 0 for z >= 90°.
double RelativeAirmass(double zenith_deg);

//! Site pressure from altitude, standard atmosphere (pvlib alt2pres), Pa.
double AltitudeToPressure(double altitude_m);

//! Clear-sky components.
struct ClearSky {
  double ghi = 0.0, dni = 0.0, dhi = 0.0;
};

//! Ineichen & Perez (2002) clear sky with Linke turbidity `tl` at `altitude_m`, from the
//! apparent zenith and the absolute air mass (Ineichen, Solar Energy 73, 151 and 307).
ClearSky IneichenPerez(double apparent_zenith_deg, double airmass_absolute, double tl, double altitude_m,
                       double dni_extra);

//! Decomposition of GHI into DNI and DHI, Erbs, Klein & Duffie (1982), with pvlib's guards
//! (clearness index ≤ 2 with cos z floored at 0.065; DNI = 0 beyond zenith 87°).
ClearSky Erbs(double ghi, double zenith_deg, double dni_extra);

//! Cosine of the angle of incidence on a surface (may be negative).
double CosAoi(double surface_tilt_deg, double surface_azimuth_deg, double zenith_deg, double azimuth_deg);

enum class SkyModel { kIsotropic, kHayDavies, kPerez };

//! Plane-of-array components.
struct Poa {
  double direct = 0.0, sky_diffuse = 0.0, ground_diffuse = 0.0;
  double Global() const { return direct + sky_diffuse + ground_diffuse; }
};

//! Transposition of DNI/GHI/DHI onto a tilted plane: beam DNI·max(cos AOI, 0); sky diffuse
//! by the chosen model — isotropic (Liu & Jordan), Hay & Davies (1980), or Perez et al.
//! (1990, "allsitescomposite1990" Table 6 coefficients, relative air mass); ground
//! reflected GHI·albedo·(1 − cos tilt)/2.
Poa Transpose(SkyModel model, double surface_tilt_deg, double surface_azimuth_deg, double zenith_deg,
              double azimuth_deg, double dni, double ghi, double dhi, double dni_extra, double airmass_relative,
              double albedo);

//! Geometry of one plane and sun position, precomputed (the hot path of a fleet).
struct PlaneGeometry {
  double cos_aoi;      //!< may be negative
  double cos_zenith;   //!< cos of the (apparent) zenith
  double zenith_rad;   //!< for Perez's ε
  double cos_tilt, sin_tilt;
};

//! Transpose with precomputed geometry; identical results to Transpose().
Poa TransposeGeometry(SkyModel model, const PlaneGeometry& g, double dni, double ghi, double dhi, double dni_extra,
                      double airmass_relative, double albedo);

//! Perez (1990) sky diffuse alone (for tests).
double PerezSkyDiffuse(double surface_tilt_deg, double cos_aoi, double zenith_deg, double dni, double dhi,
                       double dni_extra, double airmass_relative);

enum class IamModel { kNone, kAshrae, kPhysical };

//! ASHRAE IAM from cos θ directly: max(0, 1 − b0 (1/cos θ − 1)), 0 for cos θ <= 0.
inline double IamAshraeCos(double cos_aoi, double b0) {
  return cos_aoi > 0.0 ? (1.0 - b0 * (1.0 / cos_aoi - 1.0) > 0.0 ? 1.0 - b0 * (1.0 / cos_aoi - 1.0) : 0.0) : 0.0;
}

//! Incidence angle modifier for the beam: ASHRAE 1 − b0 (1/cos θ − 1) (Souka & Safwat
//! 1966), or the physical Fresnel/Beer model of De Soto et al. (2006) with refractive
//! index n, glazing extinction K (1/m) and thickness L (m). 0 at θ >= 90°.
double Iam(IamModel model, double aoi_deg, double ashrae_b0 = 0.05, double n = 1.526, double k = 4.0,
           double l = 0.002);

}  // namespace essim::pv
