// A PV plant: mounting (fixed or single-axis tracker with backtracking), transposition,
// incidence-angle losses, cell temperature (SAPM or Faiman), PVWatts DC with a
// temperature coefficient, system losses, and the PVWatts inverter with clipping.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/series.h"
#include "sim/core/time.h"
#include "sim/pv/irradiance.h"

namespace essim::pv {

//! Single-axis tracker angles for one sun position.
struct TrackerAngles {
  double rotation_deg = 0.0;         //!< right-handed about the axis; + toward west for a south axis
  double surface_tilt_deg = 0.0;
  double surface_azimuth_deg = 0.0;
};

//! Tracker rotation (Marion & Dobos 2013) with backtracking (Anderson & Mikofski 2020,
//! NREL/TP-5K00-76626, flat ground) and the surface orientation it gives. For the sun
//! below the horizon the tracker is stowed flat (rotation 0).
TrackerAngles SingleAxisTracker(double apparent_zenith_deg, double azimuth_deg, double axis_tilt_deg,
                                double axis_azimuth_deg, double max_angle_deg, bool backtrack, double gcr);

//! Tracker rotation and the plane terms transposition needs, from the sun's unit vector
//! (east, north, up) — the same model as SingleAxisTracker without its angle round trips:
//! in the tracker frame the module normal is (sin θ, 0, cos θ), so cos AOI = x′ sin θ + z′ cos θ.
struct TrackerPlane {
  double rotation_deg, cos_aoi, cos_tilt, sin_tilt;
};
TrackerPlane SingleAxisTrackerPlane(double sun_east, double sun_north, double sun_up, double axis_tilt_deg,
                                    double axis_azimuth_deg, double max_angle_deg, bool backtrack, double gcr);

//! SAPM module temperature parameters, King et al. (2004) SAND2004-3535, Table 1.
struct SapmParameters {
  double a = -3.47, b = -0.0594, delta_t = 3.0;
};
//! Named SAPM parameter set: open_rack_glass_glass, close_mount_glass_glass,
//! open_rack_glass_polymer, insulated_back_glass_polymer. Throws on an unknown name.
SapmParameters SapmParameterSet(const std::string& name);
//! Names of the SAPM parameter sets.
const std::vector<std::string>& SapmParameterSetNames();

//! SAPM cell temperature: T_m = E·exp(a + b·WS) + T_a; T_c = T_m + E/1000·ΔT.
double SapmCellTemperature(double poa_w_m2, double temp_air_c, double wind_m_s, const SapmParameters& p);
//! Faiman (2008) cell temperature: T_a + E / (u0 + u1·WS).
double FaimanCellTemperature(double poa_w_m2, double temp_air_c, double wind_m_s, double u0 = 25.0, double u1 = 6.84);

//! PVWatts DC: P = E_eff/1000 · P_dc0 · (1 + γ (T_c − 25 °C)).
double PvwattsDc(double effective_irradiance_w_m2, double cell_temp_c, double pdc0, double gamma_per_c);
//! PVWatts inverter (Dobos 2014): η = η_nom/0.9637 · (−0.0162ζ − 0.0059/ζ + 0.9858),
//! ζ = P_dc / (P_ac0/η_nom); P_ac = clip(η·P_dc, 0, P_ac0).
double PvwattsInverter(double pdc, double pac0, double eta_nom = 0.96);

enum class Mounting { kFixed, kSingleAxis };
enum class TempModel { kSapm, kFaiman };

//! One plant of the fleet.
struct PlantConfig {
  std::string name;
  double dc_capacity_mw = 0.0;       //!< DC nameplate at STC, MW (> 0)
  double dc_ac_ratio = 1.25;         //!< DC / AC rating (> 0)
  Mounting mounting = Mounting::kFixed;
  double tilt_deg = 35.0;            //!< fixed: surface tilt
  double azimuth_deg = 180.0;        //!< fixed: surface azimuth, clockwise from north
  double axis_tilt_deg = 0.0;        //!< tracker
  double axis_azimuth_deg = 180.0;   //!< tracker axis direction (180 = north-south axis)
  double max_angle_deg = 60.0;       //!< tracker rotation limit
  bool backtrack = true;
  double gcr = 0.35;                 //!< ground coverage ratio (0, 1)
  SkyModel sky = SkyModel::kPerez;
  double albedo = 0.25;              //!< ground reflectance (Gobi gravel, typical)
  IamModel iam = IamModel::kAshrae;
  double iam_b0 = 0.05;
  TempModel temp_model = TempModel::kSapm;
  SapmParameters sapm;               //!< with kSapm
  double faiman_u0 = 25.0, faiman_u1 = 6.84;  //!< with kFaiman
  double gamma_per_c = -0.0035;      //!< power temperature coefficient, 1/°C
  double inverter_eta_nom = 0.96;
  std::array<double, 12> soiling{};  //!< monthly soiling loss fractions (Jan..Dec)
  double mismatch = 0.02, wiring = 0.02, availability = 0.0, other = 0.0;  //!< loss fractions
  double degradation_per_year = 0.005;  //!< fraction per year since `commissioned_unix_s`
  std::optional<std::int64_t> commissioned_unix_s;  //!< start of degradation; absent = start of the run

  //! The inverters' AC rating, MW: the most the plant can deliver.
  double ac_capacity_mw() const { return dc_capacity_mw / dc_ac_ratio; }
  std::vector<std::string> Validate() const;
};

//! Weather on the run's axis (interval averages or instants, per the scenario).
struct Weather {
  Series ghi_w_m2, dni_w_m2, dhi_w_m2, temp_air_c, wind_speed_m_s;
};

//! Sun and air-mass terms shared by every plant of a fleet (one sun-position pass).
struct SunTerms {
  Series zenith_deg, apparent_zenith_deg, azimuth_deg;
  Series dni_extra_w_m2, airmass_relative;
  Series sun_east, sun_north, sun_up;  //!< unit vector toward the (apparent) sun
  std::vector<std::uint8_t> local_month;  //!< 1-12 per step
};

//! Per-step outputs of one plant.
struct PlantOutput {
  Series aoi_deg, poa_w_m2, cell_temp_c, dc_mw, ac_mw;
};

//! Runs one plant over the axis.
PlantOutput SimulatePlant(const PlantConfig& plant, const TimeAxis& axis, const SunTerms& sun, const Weather& w);

}  // namespace essim::pv
