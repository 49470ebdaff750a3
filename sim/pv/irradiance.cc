#include "sim/pv/irradiance.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace essim::pv {
namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
double Cosd(double d) { return std::cos(d * kDeg); }
double Sind(double d) { return std::sin(d * kDeg); }

// Perez et al. (1990) Table 6, "all sites composite": rows are sky-clearness bins
// (ε upper bounds 1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2, ∞); columns F11 F12 F13 F21 F22 F23.
constexpr double kPerez[8][6] = {
    {-0.0080, 0.5880, -0.0620, -0.0600, 0.0720, -0.0220}, {0.1300, 0.6830, -0.1510, -0.0190, 0.0660, -0.0290},
    {0.3300, 0.4870, -0.2210, 0.0550, -0.0640, -0.0260},  {0.5680, 0.1870, -0.2950, 0.1090, -0.1520, -0.0140},
    {0.8730, -0.3920, -0.3620, 0.2260, -0.4620, 0.0010},  {1.1320, -1.2370, -0.4120, 0.2880, -0.8230, 0.0560},
    {1.0600, -1.6000, -0.3590, 0.2640, -1.1270, 0.1310},  {0.6780, -0.3270, -0.2500, 0.1560, -1.3770, 0.2510}};
constexpr double kPerezBins[7] = {1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2};
}  // namespace

double ExtraterrestrialIrradiance(int day_of_year, double solar_constant) {
  const double b = 2.0 * std::numbers::pi * (day_of_year - 1) / 365.0;
  const double r2 = 1.00011 + 0.034221 * std::cos(b) + 0.00128 * std::sin(b) + 0.000719 * std::cos(2 * b) +
                    0.000077 * std::sin(2 * b);
  return solar_constant * r2;
}

double RelativeAirmass(double zenith_deg) {
  if (!(zenith_deg < 90.0)) return 0.0;
  return 1.0 / (Cosd(zenith_deg) + 0.50572 * std::pow(6.07995 + (90.0 - zenith_deg), -1.6364));
}

double AltitudeToPressure(double altitude_m) {
  return 100.0 * std::pow((44331.514 - altitude_m) / 11880.516, 1.0 / 0.1902632);
}

ClearSky IneichenPerez(double apparent_zenith_deg, double airmass_absolute, double tl, double altitude_m,
                       double dni_extra) {
  ClearSky c;
  const double cos_z = std::max(Cosd(apparent_zenith_deg), 0.0);
  if (cos_z <= 0.0 || airmass_absolute <= 0.0) return c;
  const double fh1 = std::exp(-altitude_m / 8000.0);
  const double fh2 = std::exp(-altitude_m / 1250.0);
  const double cg1 = 5.09e-5 * altitude_m + 0.868;
  const double cg2 = 3.92e-5 * altitude_m + 0.0387;
  c.ghi = cg1 * dni_extra * cos_z * std::max(std::exp(-cg2 * airmass_absolute * (fh1 + fh2 * (tl - 1.0))), 0.0);
  const double b = 0.664 + 0.163 / fh1;
  const double bnci = dni_extra * std::max(b * std::exp(-0.09 * airmass_absolute * (tl - 1.0)), 0.0);
  // Empirical correction (Ineichen 2002): DNI never implies more than the GHI allows.
  const double bnci2 = c.ghi * std::clamp((1.0 - (0.1 - 0.2 * std::exp(-tl)) / (0.1 + 0.882 / fh1)) / cos_z, 0.0, 1e20);
  c.dni = std::min(bnci, bnci2);
  c.dhi = c.ghi - c.dni * cos_z;
  return c;
}

ClearSky Erbs(double ghi, double zenith_deg, double dni_extra) {
  ClearSky out;
  const double cos_z = Cosd(zenith_deg);
  const double kt = std::clamp(ghi / (dni_extra * std::max(cos_z, 0.065)), 0.0, 2.0);
  double df;
  if (kt <= 0.22) df = 1.0 - 0.09 * kt;
  else if (kt <= 0.8) df = 0.9511 - 0.1604 * kt + 4.388 * kt * kt - 16.638 * kt * kt * kt + 12.336 * kt * kt * kt * kt;
  else df = 0.165;
  out.ghi = ghi;
  out.dhi = df * ghi;
  out.dni = (ghi - out.dhi) / cos_z;
  if (zenith_deg > 87.0 || ghi < 0.0 || !(out.dni >= 0.0)) {
    out.dni = 0.0;
    out.dhi = ghi;  // closure GHI = DHI + DNI cos z holds
  }
  return out;
}

double CosAoi(double tilt, double surface_azimuth, double zenith, double azimuth) {
  return Cosd(zenith) * Cosd(tilt) + Sind(zenith) * Sind(tilt) * Cosd(azimuth - surface_azimuth);
}

namespace {
double PerezFromGeometry(const PlaneGeometry& g, double dni, double dhi, double dni_extra, double airmass_relative) {
  if (!(dhi > 0.0)) return 0.0;
  constexpr double kKappa = 1.041;  // for zenith in radians
  const double z = g.zenith_rad;
  const double z3 = z * z * z;
  const double eps = ((dhi + dni) / dhi + kKappa * z3) / (1.0 + kKappa * z3);
  const double delta = dhi * airmass_relative / dni_extra;
  int bin = 0;
  while (bin < 7 && eps > kPerezBins[bin]) ++bin;
  const double* f = kPerez[bin];
  const double f1 = std::max(0.0, f[0] + f[1] * delta + f[2] * z);
  const double f2 = f[3] + f[4] * delta + f[5] * z;
  const double a = std::max(g.cos_aoi, 0.0);
  const double b = std::max(g.cos_zenith, 0.087155742747658166);  // cos 85°
  return std::max(dhi * (0.5 * (1.0 - f1) * (1.0 + g.cos_tilt) + f1 * a / b + f2 * g.sin_tilt), 0.0);
}
}  // namespace

double PerezSkyDiffuse(double tilt, double cos_aoi, double zenith_deg, double dni, double dhi, double dni_extra,
                       double airmass_relative) {
  const PlaneGeometry g{cos_aoi, Cosd(zenith_deg), zenith_deg * kDeg, Cosd(tilt), Sind(tilt)};
  return PerezFromGeometry(g, dni, dhi, dni_extra, airmass_relative);
}

Poa TransposeGeometry(SkyModel model, const PlaneGeometry& g, double dni, double ghi, double dhi, double dni_extra,
                      double airmass_relative, double albedo) {
  Poa p;
  p.direct = std::max(dni * g.cos_aoi, 0.0);
  const double iso = 0.5 * (1.0 + g.cos_tilt);
  switch (model) {
    case SkyModel::kIsotropic:
      p.sky_diffuse = dhi * iso;
      break;
    case SkyModel::kHayDavies: {
      const double rb = std::max(g.cos_aoi, 0.0) / std::max(g.cos_zenith, 0.01745);
      const double ai = dni / dni_extra;
      p.sky_diffuse = std::max(dhi * (1.0 - ai) * iso, 0.0) + std::max(dhi * ai * rb, 0.0);
      break;
    }
    case SkyModel::kPerez:
      p.sky_diffuse = airmass_relative > 0.0 ? PerezFromGeometry(g, dni, dhi, dni_extra, airmass_relative) : 0.0;
      break;
  }
  p.ground_diffuse = ghi * albedo * 0.5 * (1.0 - g.cos_tilt);
  return p;
}

Poa Transpose(SkyModel model, double tilt, double surface_azimuth, double zenith, double azimuth, double dni,
              double ghi, double dhi, double dni_extra, double airmass_relative, double albedo) {
  const PlaneGeometry g{CosAoi(tilt, surface_azimuth, zenith, azimuth), Cosd(zenith), zenith * kDeg, Cosd(tilt), Sind(tilt)};
  return TransposeGeometry(model, g, dni, ghi, dhi, dni_extra, airmass_relative, albedo);
}

double Iam(IamModel model, double aoi_deg, double b0, double n, double k, double l) {
  if (!(aoi_deg < 90.0)) return 0.0;
  switch (model) {
    case IamModel::kNone: return 1.0;
    case IamModel::kAshrae: return std::max(0.0, 1.0 - b0 * (1.0 / Cosd(std::abs(aoi_deg)) - 1.0));
    case IamModel::kPhysical: {
      // Transmittance through the glazing relative to normal incidence (De Soto 2006, eqs. 14-16).
      auto tau = [&](double theta_deg) {
        const double th = std::max(theta_deg, 1e-6) * kDeg;
        const double thr = std::asin(std::sin(th) / n);
        const double rs = std::pow(std::sin(thr - th), 2) / std::pow(std::sin(thr + th), 2);
        const double rp = std::pow(std::tan(thr - th), 2) / std::pow(std::tan(thr + th), 2);
        return std::exp(-k * l / std::cos(thr)) * (1.0 - 0.5 * (rs + rp));
      };
      const double tau0 = std::exp(-k * l) * (1.0 - std::pow((1.0 - n) / (1.0 + n), 2));
      return std::max(0.0, tau(std::abs(aoi_deg)) / tau0);
    }
  }
  return 1.0;
}

}  // namespace essim::pv
