// The storage station: phases of LFP blocks behind PCS and transformers, seen at the
// point of interconnection (POI). Applies setpoints through the physical limits
// (power, SOC window, in-service dates, ramp) and accounts every loss by cause.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/core/time.h"

namespace essim::storage {

//! One phase: a block of power and energy commissioned at a date.
struct PhaseConfig {
  std::string name;                 //!< unique, used in output column names
  double power_mw = 0.0;            //!< rated power at the POI, MW (> 0)
  double energy_mwh = 0.0;          //!< nameplate stored energy, MWh (> 0)
  std::int64_t in_service_unix_s = std::numeric_limits<std::int64_t>::min();  //!< commissioning instant
  double aux_mw = 0.0;              //!< auxiliary load while in service, MW (>= 0), drawn at the POI
};

//! Station-wide parameters shared by all phases.
struct StationConfig {
  std::vector<PhaseConfig> phases;
  double soc_min = 0.05;            //!< lower SOC bound, fraction of energy [0, 1)
  double soc_max = 0.95;            //!< upper SOC bound, fraction of energy (0, 1], > soc_min
  double soc_initial = 0.5;         //!< SOC at start (or at commissioning), in [soc_min, soc_max]
  double eta_charge = 0.9220;       //!< one-way charge efficiency POI->stored, (0, 1]
  double eta_discharge = 0.9220;    //!< one-way discharge efficiency stored->POI, (0, 1]
  double self_discharge_per_day = 0.0;  //!< fraction of stored energy lost per day, [0, 1)
  double ramp_mw_per_min = std::numeric_limits<double>::infinity();  //!< |Δ net power| per minute, MW/min (> 0)

  //! All problems at once, each as "key: expected ..., found ..." (empty = valid).
  std::vector<std::string> Validate() const;
};

//! What the station can do in the coming step, at the POI (all >= 0).
struct StepLimits {
  double charge_max_mw = 0.0;     //!< largest feasible charge
  double discharge_max_mw = 0.0;  //!< largest feasible discharge
  double charge_min_mw = 0.0;     //!< standby charge needed to hold SOC at its minimum against self-discharge
  double ramp_lo_mw = -std::numeric_limits<double>::infinity();  //!< lowest net power (discharge − charge) the ramp allows
  double ramp_hi_mw = std::numeric_limits<double>::infinity();   //!< highest net power the ramp allows
  double aux_mw = 0.0;            //!< auxiliary load of the phases in service
  double commissioned_mwh = 0.0;  //!< stored energy that phases brought at commissioning this step
};

//! Losses of one step by cause, MW averaged over the step (all >= 0).
struct StepLosses {
  double charge_conversion_mw = 0.0;     //!< (1 − η_c)·charge
  double discharge_conversion_mw = 0.0;  //!< (1/η_d − 1)·discharge
  double self_discharge_mw = 0.0;        //!< stored energy lost to self-discharge / dt
  double Total() const { return charge_conversion_mw + discharge_conversion_mw + self_discharge_mw; }
};

//! Mutable station state and its step physics.
class Station {
 public:
  Station(const StationConfig& config, const TimeAxis& axis);

  //! Starts step k: commissions phases due by the step's start and returns the limits.
  StepLimits BeginStep(std::int64_t k);

  //! Applies charge (standby included) and discharge at the POI, MW, within the limits of
  //! BeginStep; splits them among phases and advances SOC. Without `phase_targets` the
  //! split follows each phase's capability (all reach their limits together); with them
  //! (planned net power per phase, + discharge) it follows the plan, water-filling what a
  //! phase cannot take into the others. Returns losses by cause.
  StepLosses Apply(double charge_mw, double discharge_mw, const std::vector<double>* phase_targets = nullptr);

  //! Stored energy of all phases, MWh.
  double stored_mwh() const;
  //! Stored energy of phase i, MWh.
  double phase_stored_mwh(std::size_t i) const { return phases_[i].stored_mwh; }
  //! Stored energy of phase i after this step's self-discharge (valid after BeginStep), MWh.
  double phase_available_mwh(std::size_t i) const { return phases_[i].after_self_discharge_mwh; }
  //! Total rated power of phases in service, MW.
  double power_in_service_mw() const { return power_in_service_mw_; }
  //! Per phase: energy taken out of storage by discharge so far, MWh (DC side).
  double phase_discharged_stored_mwh(std::size_t i) const { return phases_[i].discharged_stored_mwh; }
  //! Whether phase i is in service.
  bool phase_in_service(std::size_t i) const { return phases_[i].in_service; }
  std::size_t phase_count() const { return phases_.size(); }
  const StationConfig& config() const { return config_; }
  //! Net POI power of the previous step (discharge − charge), MW.
  double last_net_mw() const { return last_net_mw_; }

 private:
  struct PhaseState {
    double stored_mwh = 0.0;
    double emin_mwh = 0.0, emax_mwh = 0.0;
    bool in_service = false;
    double after_self_discharge_mwh = 0.0;  // stored energy after this step's self-discharge
    double charge_cap_mw = 0.0, discharge_cap_mw = 0.0, standby_mw = 0.0;
    double discharged_stored_mwh = 0.0;
  };
  StationConfig config_;
  TimeAxis axis_;
  std::vector<PhaseState> phases_;
  double dt_h_;
  double keep_factor_;  // (1 − σ_day)^(dt/1 d): stored energy kept over one step
  double ramp_step_mw_;
  double last_net_mw_ = 0.0;
  double power_in_service_mw_ = 0.0;
  double aux_mw_ = 0.0;
  // Per-step scratch of Apply (kept to avoid allocating at every step).
  std::vector<double> cap_c_, cap_d_, w_c_, w_d_, share_c_, share_d_;
};

}  // namespace essim::storage
