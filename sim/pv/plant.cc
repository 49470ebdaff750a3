#include "sim/pv/plant.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace essim::pv {
namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
double Cosd(double d) { return std::cos(d * kDeg); }
double Sind(double d) { return std::sin(d * kDeg); }
}  // namespace

TrackerAngles SingleAxisTracker(double zenith, double azimuth, double axis_tilt, double axis_azimuth, double max_angle,
                                bool backtrack, double gcr) {
  TrackerAngles t;
  if (zenith > 90.0) {
    t.surface_tilt_deg = axis_tilt;
    t.surface_azimuth_deg = axis_azimuth;
    return t;
  }
  // Sun vector in east-north-up coordinates, then in the tracker frame (Anderson &
  // Mikofski 2020, eqs. 1 and 4): y along the axis, x 90° clockwise, z up.
  const double sz = Sind(zenith);
  const double x = sz * Sind(azimuth), y = sz * Cosd(azimuth), z = Cosd(zenith);
  const double ca = Cosd(axis_azimuth), sa = Sind(axis_azimuth), ct = Cosd(axis_tilt), st = Sind(axis_tilt);
  const double xp = x * ca - y * sa;
  const double zp = x * st * sa + y * st * ca + z * ct;
  double theta = std::atan2(xp, zp) / kDeg;  // ideal (true-tracking) rotation, eq. 5
  if (backtrack) {
    // Rows shade each other when |cos θ| < gcr; rotate back to just avoid it (eq. 14).
    const double temp = std::abs(std::cos(theta * kDeg) / gcr);
    if (temp < 1.0) theta += -std::copysign(1.0, theta) * std::acos(temp) / kDeg;
  }
  theta = std::clamp(theta, -max_angle, max_angle);
  t.rotation_deg = theta;
  // Surface orientation (Marion & Dobos 2013, eqs. 1-4).
  const double tilt = std::acos(std::clamp(Cosd(theta) * ct, -1.0, 1.0)) / kDeg;
  double delta = 90.0;
  if (Sind(tilt) != 0.0) {
    delta = std::asin(std::clamp(Sind(theta) / Sind(tilt), -1.0, 1.0)) / kDeg;
    if (std::abs(theta) >= 90.0) delta = -delta + std::copysign(180.0, theta);
  }
  t.surface_tilt_deg = tilt;
  t.surface_azimuth_deg = std::fmod(axis_azimuth + delta + 360.0, 360.0);
  return t;
}

TrackerPlane SingleAxisTrackerPlane(double x, double y, double z, double axis_tilt, double axis_azimuth,
                                    double max_angle, bool backtrack, double gcr) {
  const double ca = Cosd(axis_azimuth), sa = Sind(axis_azimuth), ct = Cosd(axis_tilt), st = Sind(axis_tilt);
  TrackerPlane p{0.0, z, ct, st};  // stowed flat (rotation 0) with the sun down
  if (z < 0.0) {
    p.cos_aoi = z * ct + (x * sa + y * ca) * st;  // normal of the unrotated, axis-tilted plane
    return p;
  }
  const double xp = x * ca - y * sa;
  const double zp = x * st * sa + y * st * ca + z * ct;
  double theta = std::atan2(xp, zp);
  if (backtrack) {
    const double temp = std::abs(std::cos(theta) / gcr);
    if (temp < 1.0) theta += -std::copysign(1.0, theta) * std::acos(temp);
  }
  theta = std::clamp(theta, -max_angle * kDeg, max_angle * kDeg);
  const double s_t = std::sin(theta), c_t = std::cos(theta);
  p.rotation_deg = theta / kDeg;
  p.cos_aoi = xp * s_t + zp * c_t;
  p.cos_tilt = c_t * ct;
  p.sin_tilt = std::sqrt(std::max(0.0, 1.0 - p.cos_tilt * p.cos_tilt));
  return p;
}

SapmParameters SapmParameterSet(const std::string& name) {
  if (name == "open_rack_glass_glass") return {-3.47, -0.0594, 3.0};
  if (name == "close_mount_glass_glass") return {-2.98, -0.0471, 1.0};
  if (name == "open_rack_glass_polymer") return {-3.56, -0.0750, 3.0};
  if (name == "insulated_back_glass_polymer") return {-2.81, -0.0455, 0.0};
  throw std::invalid_argument("unknown SAPM parameter set " + name);
}

const std::vector<std::string>& SapmParameterSetNames() {
  static const std::vector<std::string> kNames{"open_rack_glass_glass", "close_mount_glass_glass",
                                               "open_rack_glass_polymer", "insulated_back_glass_polymer"};
  return kNames;
}

double SapmCellTemperature(double e, double ta, double ws, const SapmParameters& p) {
  return e * std::exp(p.a + p.b * ws) + ta + e / 1000.0 * p.delta_t;
}

double FaimanCellTemperature(double e, double ta, double ws, double u0, double u1) { return ta + e / (u0 + u1 * ws); }

double PvwattsDc(double e_eff, double tc, double pdc0, double gamma) {
  return e_eff / 1000.0 * pdc0 * (1.0 + gamma * (tc - 25.0));
}

double PvwattsInverter(double pdc, double pac0, double eta_nom) {
  if (pdc == 0.0) return 0.0;
  const double zeta = pdc / (pac0 / eta_nom);
  const double eta = eta_nom / 0.9637 * (-0.0162 * zeta - 0.0059 / zeta + 0.9858);
  return std::clamp(eta * pdc, 0.0, pac0);
}

std::vector<std::string> PlantConfig::Validate() const {
  std::vector<std::string> e;
  if (!(dc_capacity_mw > 0.0)) e.push_back(fmt::format("{}: dc_capacity: expected > 0 MW", name));
  if (!(dc_ac_ratio > 0.0)) e.push_back(fmt::format("{}: dc_ac_ratio: expected > 0", name));
  if (!(gcr > 0.0 && gcr < 1.0)) e.push_back(fmt::format("{}: gcr: expected in (0, 1)", name));
  if (!(albedo >= 0.0 && albedo <= 1.0)) e.push_back(fmt::format("{}: albedo: expected in [0, 1]", name));
  if (!(inverter_eta_nom > 0.0 && inverter_eta_nom <= 1.0)) e.push_back(fmt::format("{}: inverter efficiency: expected in (0, 1]", name));
  return e;
}

PlantOutput SimulatePlant(const PlantConfig& p, const TimeAxis& axis, const SunTerms& sun, const Weather& w) {
  const Eigen::Index n = axis.count;
  PlantOutput out;
  out.aoi_deg.resize(n);
  out.poa_w_m2.resize(n);
  out.cell_temp_c.resize(n);
  out.dc_mw.resize(n);
  out.ac_mw.resize(n);
  const double pac0 = p.ac_capacity_mw();
  const double base_derate = (1.0 - p.mismatch) * (1.0 - p.wiring) * (1.0 - p.availability) * (1.0 - p.other);
  constexpr double kSecondsPerYear = 365.25 * 86400.0;
  const std::int64_t commissioned = p.commissioned_unix_s.value_or(axis.start_unix_s);
  // A fixed plane's unit normal (east, north, up) and tilt terms are constant.
  const double ct = Cosd(p.tilt_deg), st = Sind(p.tilt_deg);
  const double fixed_e = st * Sind(p.azimuth_deg), fixed_n = st * Cosd(p.azimuth_deg), fixed_u = ct;
  int day_month = -1;
  std::int64_t day = std::numeric_limits<std::int64_t>::min();
  double derate = base_derate;
  for (Eigen::Index k = 0; k < n; ++k) {
    const double zen = sun.apparent_zenith_deg[k];
    const std::int64_t local = axis.TimeAt(k) + axis.utc_offset_s;
    const std::int64_t d = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    if (d != day) {  // soiling and degradation change once a day
      day = d;
      day_month = sun.local_month[static_cast<std::size_t>(k)];
      const double years = std::max(0.0, static_cast<double>(axis.TimeAt(k) - commissioned) / kSecondsPerYear);
      derate = base_derate * (1.0 - p.soiling[static_cast<std::size_t>(day_month - 1)]) *
               std::pow(1.0 - p.degradation_per_year, years);
    }
    PlaneGeometry g{0.0, sun.sun_up[k], zen * kDeg, ct, st};
    if (p.mounting == Mounting::kSingleAxis) {
      const TrackerPlane t = SingleAxisTrackerPlane(sun.sun_east[k], sun.sun_north[k], sun.sun_up[k], p.axis_tilt_deg,
                                                    p.axis_azimuth_deg, p.max_angle_deg, p.backtrack, p.gcr);
      g.cos_tilt = t.cos_tilt;
      g.sin_tilt = t.sin_tilt;
      g.cos_aoi = t.cos_aoi;
    } else {
      g.cos_aoi = sun.sun_east[k] * fixed_e + sun.sun_north[k] * fixed_n + sun.sun_up[k] * fixed_u;
    }
    double poa_global = 0.0, effective = 0.0;
    if (zen < 90.0 && w.ghi_w_m2[k] > 0.0) {
      const Poa poa = TransposeGeometry(p.sky, g, w.dni_w_m2[k], w.ghi_w_m2[k], w.dhi_w_m2[k], sun.dni_extra_w_m2[k],
                                        sun.airmass_relative[k], p.albedo);
      poa_global = poa.Global();
      double iam = 1.0;
      if (p.iam == IamModel::kAshrae) iam = IamAshraeCos(g.cos_aoi, p.iam_b0);
      else if (p.iam == IamModel::kPhysical) iam = Iam(p.iam, std::acos(std::clamp(g.cos_aoi, -1.0, 1.0)) / kDeg);
      effective = poa.direct * iam + poa.sky_diffuse + poa.ground_diffuse;
    }
    const double tc = p.temp_model == TempModel::kSapm
                          ? SapmCellTemperature(poa_global, w.temp_air_c[k], w.wind_speed_m_s[k], p.sapm)
                          : FaimanCellTemperature(poa_global, w.temp_air_c[k], w.wind_speed_m_s[k], p.faiman_u0, p.faiman_u1);
    const double dc = std::max(0.0, PvwattsDc(effective, tc, p.dc_capacity_mw, p.gamma_per_c) * derate);
    out.aoi_deg[k] = std::acos(std::clamp(g.cos_aoi, -1.0, 1.0)) / kDeg;
    out.poa_w_m2[k] = poa_global;
    out.cell_temp_c[k] = tc;
    out.dc_mw[k] = dc;
    out.ac_mw[k] = PvwattsInverter(dc, pac0, p.inverter_eta_nom);
  }
  return out;
}

}  // namespace essim::pv
