// The conversion chain of a phase between the point of interconnection (330 kV) and the
// cells: main transformer, 35 kV collection, skid transformers (0.69/35 kV), PCS and the
// battery's DC losses; plus the auxiliary load (HVAC driven by ambient temperature).
// Each loss is returned by cause so the ledgers can close with every term.
#pragma once

#include <vector>

namespace essim::storage {

//! Efficiency against load fraction, interpolated linearly; held constant outside the
//! points. Empty: not given.
struct EfficiencyCurve {
  std::vector<double> load_fraction;  //!< increasing, > 0
  std::vector<double> efficiency;     //!< (0, 1]
  bool empty() const { return load_fraction.empty(); }
  double At(double fraction) const;
};

//! A transformer sized relative to its phase: no-load loss while energized and load loss
//! ∝ (S / S_rated)², both as fractions of its rating (unity power factor: S = P).
struct TransformerConfig {
  double rating_fraction = 1.0;  //!< rating as a fraction of the phase's power
  double no_load_fraction = 0.0; //!< no-load (core) loss, fraction of rating
  double load_fraction = 0.0;    //!< load (copper) loss at rated load, fraction of rating
  double NoLoadMw(double phase_power_mw) const { return no_load_fraction * rating_fraction * phase_power_mw; }
  double LoadLossMw(double flow_mw, double phase_power_mw) const {
    const double s = rating_fraction * phase_power_mw;
    return s > 0.0 ? load_fraction * flow_mw * flow_mw / s : 0.0;
  }
};

//! The physical chain. `detailed = false`: the station's constant one-way efficiencies
//! (what the optimizer plans with), all booked as PCS loss.
struct ConversionConfig {
  bool detailed = false;
  EfficiencyCurve pcs;                //!< one-way PCS efficiency by AC load fraction (empty: pcs_efficiency)
  double pcs_efficiency = 0.98;       //!< constant one-way PCS efficiency when no curve
  double battery_efficiency = 1.0;    //!< constant one-way DC efficiency (cells, BMS, DC cabling)
  double battery_loss_at_rated = 0.0; //!< > 0: resistive DC loss ∝ P², this fraction of rated power at rated power
  TransformerConfig skid, main;
};

//! Losses of one direction of flow through the chain, MW (all >= 0).
struct ChainLosses {
  double pcs = 0.0, battery = 0.0, skid = 0.0, main = 0.0;
  double Total() const { return pcs + battery + skid + main; }
};

//! One phase's conversion: POI power to stored power and back.
class Conversion {
 public:
  Conversion(const ConversionConfig& config, double power_mw, double eta_charge, double eta_discharge)
      : c_(config), power_mw_(power_mw), eta_c_(eta_charge), eta_d_(eta_discharge) {}

  //! Power reaching storage when charging `poi_mw` >= 0 at the POI; losses added to `loss`.
  double Charge(double poi_mw, ChainLosses* loss) const;
  //! Power drawn from storage when discharging `poi_mw` >= 0 at the POI.
  double Discharge(double poi_mw, ChainLosses* loss) const;
  //! Largest POI charge in [0, cap] whose stored power stays <= `stored_mw`.
  double MaxCharge(double stored_mw, double cap_mw) const;
  //! Largest POI discharge in [0, cap] whose drawn power stays <= `stored_mw`.
  double MaxDischarge(double stored_mw, double cap_mw) const;
  //! No-load losses of the transformers while the phase is energized, MW: skid, main.
  double SkidNoLoadMw() const { return c_.detailed ? c_.skid.NoLoadMw(power_mw_) : 0.0; }
  double MainNoLoadMw() const { return c_.detailed ? c_.main.NoLoadMw(power_mw_) : 0.0; }

 private:
  double PcsEta(double ac_mw) const;
  double BatteryLoss(double dc_mw) const;
  ConversionConfig c_;
  double power_mw_, eta_c_, eta_d_;
};

//! Auxiliary load (HVAC, controls) of a phase: a standby base, cooling above and heating
//! below set temperatures (fractions of the base per °C), and a part proportional to
//! the power through the phase.
struct AuxConfig {
  double cool_above_c = 25.0;
  double heat_below_c = 10.0;
  double cooling_per_c = 0.0;       //!< fraction of the base per °C above cool_above_c
  double heating_per_c = 0.0;       //!< fraction of the base per °C below heat_below_c
  double throughput_fraction = 0.0; //!< fraction of |POI power| of the previous step
  bool temperature_driven() const { return cooling_per_c > 0.0 || heating_per_c > 0.0 || throughput_fraction > 0.0; }
  //! Aux power for a phase with base `base_mw` at ambient `temp_c`, with `throughput_mw`.
  double Mw(double base_mw, double temp_c, double throughput_mw) const;
  //! Cell temperature the HVAC holds: ambient clamped to [heat_below_c, cool_above_c].
  double CellTempC(double ambient_c) const;
};

}  // namespace essim::storage
