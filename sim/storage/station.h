// The storage station: phases of LFP blocks behind PCS and transformers, seen at the
// point of interconnection (POI). Applies setpoints through the physical limits
// (power, SOC window, in-service dates, ramp) and accounts every loss by cause.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/storage/ageing.h"
#include "sim/storage/availability.h"
#include "sim/storage/conversion.h"

namespace essim::storage {

//! One phase: a block of power and energy commissioned at a date.
struct PhaseConfig {
  std::string name;                 //!< unique, used in output column names
  double power_mw = 0.0;            //!< rated power at the POI, MW (> 0)
  double energy_mwh = 0.0;          //!< nameplate stored energy, MWh (> 0)
  std::int64_t in_service_unix_s = std::numeric_limits<std::int64_t>::min();  //!< commissioning instant
  double aux_mw = 0.0;              //!< auxiliary load while in service, MW (>= 0), drawn at the POI
                                    //!< (the base of the temperature-driven model when configured)
  std::vector<PlannedOutage> outages;  //!< planned outages of this phase
  //! Augmentations: fresh energy added at a time (ageing from then on).
  struct Augmentation {
    std::int64_t at_unix_s = 0;
    double energy_mwh = 0.0;
  };
  std::vector<Augmentation> augmentations;
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
  ConversionConfig conversion;      //!< the physical chain (detailed = false: the constant efficiencies above)
  AuxConfig aux;                    //!< temperature- and throughput-driven auxiliary load
  AgeingConfig ageing;              //!< cycle and calendar fade (enabled = false: none)
  double augment_below_soh = 0.0;   //!< add energy to a phase when its state of health falls below this (0: never)
  double augment_to_soh = 1.0;      //!< ... restoring its usable energy to this fraction of nameplate
  ForcedOutageConfig forced_outages;  //!< random unit outages (each phase its own stream)

  //! Whether any phase can be out of service (planned or forced outages).
  bool HasOutages() const;
  //! Fraction of stored energy kept over one step of `step_s` seconds: (1 − σ_day)^(dt/1 d).
  double RetentionPerStep(std::int64_t step_s) const;
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
  double aux_mw = 0.0;            //!< everything the station draws at the POI besides charging:
                                  //!< auxiliary load plus transformer no-load losses
  double aux_load_mw = 0.0;       //!< the auxiliary load alone (HVAC, controls)
  double skid_no_load_mw = 0.0, main_no_load_mw = 0.0;  //!< transformer no-load losses
  double commissioned_mwh = 0.0;  //!< stored energy that phases brought at commissioning this step
  double available_mw = 0.0;      //!< power of the phases in service times their availability
  //! Limits with every phase fully available (equal to the above without outages).
  double charge_max_full_mw = 0.0, discharge_max_full_mw = 0.0;
};

//! Losses of one step by cause, MW averaged over the step (all >= 0).
struct StepLosses {
  double charge_conversion_mw = 0.0;     //!< conversion losses of charging (chain load losses)
  double discharge_conversion_mw = 0.0;  //!< conversion losses of discharging
  double self_discharge_mw = 0.0;        //!< stored energy lost to self-discharge / dt
  double fade_mw = 0.0;                  //!< stored energy above a faded SOC max, removed / dt
  ChainLosses chain;                     //!< the conversion losses (both directions) by element
  double Total() const { return charge_conversion_mw + discharge_conversion_mw + self_discharge_mw + fade_mw; }
};

//! Ageing state of a phase, for outputs.
struct PhaseHealth {
  double nameplate_mwh = 0.0;    //!< original energy plus augmentations
  double capacity_mwh = 0.0;     //!< usable energy now
  double cycle_fade_mwh = 0.0, calendar_fade_mwh = 0.0;
  double augmented_mwh = 0.0;
  int augmentations = 0;
  double full_cycles = 0.0;      //!< rainflow-counted cycles weighted by depth (Σ count × depth)
};

//! Mutable station state and its step physics.
class Station {
 public:
  Station(const StationConfig& config, const TimeAxis& axis);
  // The rainflow counters call back into this object: it stays where it was built.
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;

  //! Starts step k at ambient temperature `ambient_c`: commissions phases due by the step's
  //! start, applies availability and returns the limits.
  StepLimits BeginStep(std::int64_t k, double ambient_c = 20.0);

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
  //! Usable energy of phase i now (nameplate less fade, plus augmentations), MWh.
  double phase_capacity_mwh(std::size_t i) const { return phases_[i].capacity_mwh; }
  //! Availability of phase i this step (fraction in service).
  double phase_available(std::size_t i) const { return phases_[i].available; }
  //! Ends step k (after Apply): ageing bookkeeping; at the end of a day the fade is applied.
  void EndStep();
  //! Ends the run: counts the rainflow residue and applies the last fade.
  void Finish();
  PhaseHealth phase_health(std::size_t i) const;

 private:
  struct PhaseState {
    double stored_mwh = 0.0;
    double emin_mwh = 0.0, emax_mwh = 0.0;
    bool in_service = false;
    double after_self_discharge_mwh = 0.0;  // stored energy after this step's self-discharge
    double charge_cap_mw = 0.0, discharge_cap_mw = 0.0, standby_mw = 0.0;
    double discharged_stored_mwh = 0.0;
    double capacity_mwh = 0.0;       // usable energy now
    double available = 1.0;
    double throughput_mw = 0.0;      // |POI power| of the previous step (aux)
    std::vector<BlockAgeing> blocks;
    std::size_t next_augmentation = 0;
    int augmentations = 0;
    double augmented_mwh = 0.0;
    double cycles = 0.0;
    double day_soc_sum = 0.0, day_temp_sum = 0.0;
    int day_samples = 0;
  };
  void UpdateCapacity(std::size_t i);
  void ApplyDay(bool clamp);
  StationConfig config_;
  TimeAxis axis_;
  std::vector<PhaseState> phases_;
  double dt_h_;
  double keep_factor_;  // (1 − σ_day)^(dt/1 d): stored energy kept over one step
  double ramp_step_mw_;
  double last_net_mw_ = 0.0;
  double power_in_service_mw_ = 0.0;
  double aux_mw_ = 0.0;
  std::vector<Conversion> conversion_;
  std::vector<PhaseAvailability> availability_;
  std::vector<Rainflow> rainflow_;
  bool has_outages_ = false;
  bool detailed_ = false, aux_driven_ = false;
  double day_elapsed_s_ = 0.0;
  double cell_temp_c_ = 20.0;
  double fade_removed_mwh_ = 0.0;  // stored energy removed by fade at the last day end
  // Per-step scratch of Apply (kept to avoid allocating at every step).
  std::vector<double> cap_c_, cap_d_, w_c_, w_d_, share_c_, share_d_;
};

}  // namespace essim::storage
