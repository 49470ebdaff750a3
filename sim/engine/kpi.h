// KPIs of a run: energy totals, losses by cause, cycles, efficiency, revenue, and the
// two ledger checks (node balance and station energy balance) at every step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine/engine.h"

namespace essim::engine {

struct PhaseKpis {
  std::string name;
  double discharged_stored_mwh = 0.0;   //!< energy drawn from storage, MWh
  double equivalent_full_cycles = 0.0;  //!< discharged_stored / nameplate energy
  double final_stored_mwh = 0.0;
  double days_in_service = 0.0;
  double capacity_revenue_yuan = 0.0;
  // Ageing (equal to nameplate and zero without ageing).
  double nameplate_mwh = 0.0;           //!< original energy plus augmentations
  double capacity_mwh = 0.0;            //!< usable energy at the end
  double state_of_health = 1.0;         //!< capacity / original energy
  double cycle_fade_mwh = 0.0, calendar_fade_mwh = 0.0;
  double augmented_mwh = 0.0;
  int augmentations = 0;
  double projected_end_of_life_year = 0.0;  //!< calendar year SoH reaches end of life at this run's rates (0: not ageing)
};

//! Results of one calendar year (local time) of a run.
struct YearKpis {
  int year = 0;
  double days = 0.0;
  double pv_mwh = 0.0, curtailed_mwh = 0.0, curtailment_absorbed_mwh = 0.0;
  double charged_mwh = 0.0, discharged_mwh = 0.0, aux_mwh = 0.0, loss_total_mwh = 0.0;
  double energy_revenue_yuan = 0.0, charging_cost_yuan = 0.0, aux_cost_yuan = 0.0, capacity_revenue_yuan = 0.0;
  double net_revenue_yuan = 0.0;
  double equivalent_full_cycles = 0.0;  //!< discharged at the POI / (η_d × nameplate)
  double availability = 1.0;
  double capacity_mwh = 0.0;            //!< usable energy of all phases at the year's last step
  double state_of_health = 1.0;         //!< capacity / original nameplate of the phases in service
};

struct Kpis {
  // Energy totals, MWh.
  double pv_mwh = 0.0, curtailed_mwh = 0.0, load_mwh = 0.0, aux_mwh = 0.0;
  double charged_mwh = 0.0, discharged_mwh = 0.0, exported_mwh = 0.0, imported_mwh = 0.0;
  double loss_charge_conversion_mwh = 0.0, loss_discharge_conversion_mwh = 0.0;
  double loss_self_discharge_mwh = 0.0, loss_total_mwh = 0.0;
  double commissioned_mwh = 0.0, initial_stored_mwh = 0.0, final_stored_mwh = 0.0;
  double curtailment_absorbed_mwh = 0.0;  //!< charge that came out of PV above the export limit
  // Cycles and efficiency.
  double equivalent_full_cycles = 0.0;        //!< Σ discharged from storage / Σ nameplate energy
  //! POI discharged / charged, corrected for the change of stored energy Δ over the run
  //! (Δ ≥ 0: charged − Δ/η_c; Δ < 0: discharged + Δ·η_d); aux excluded.
  double round_trip_efficiency = 0.0;
  double round_trip_efficiency_with_aux = 0.0;  //!< as above with aux added to the input
  // Money, yuan.
  double energy_revenue_yuan = 0.0, charging_cost_yuan = 0.0, aux_cost_yuan = 0.0;
  double capacity_revenue_yuan = 0.0, net_revenue_yuan = 0.0;
  // Checks.
  double max_node_imbalance_mw = 0.0;     //!< max |pv − curt + imp + dis − load − aux − ch − exp|
  double max_station_imbalance_mw = 0.0;  //!< max |ch − dis − loss − (Δsoc − commissioned)/dt|
  double min_soc_margin_mwh = 0.0;        //!< min over steps and phases of distance inside the SOC window (< 0: outside)
  std::int64_t clipped_steps = 0;
  double clipped_mwh = 0.0;
  std::int64_t import_over_limit_steps = 0;
  double standby_charge_mwh = 0.0;
  // Losses by cause, MWh (transformers include no-load losses; aux is the auxiliary load).
  double loss_pcs_mwh = 0.0, loss_battery_mwh = 0.0, loss_skid_tx_mwh = 0.0, loss_main_tx_mwh = 0.0;
  double loss_aux_mwh = 0.0, loss_fade_mwh = 0.0;
  //! max |charge + aux − discharge − Σ losses by cause − (Δstored − commissioned)/dt|
  double max_cause_imbalance_mw = 0.0;
  double aux_by_month_mwh[12] = {};     //!< auxiliary load by calendar month (all years)
  // Availability.
  double availability = 1.0;            //!< time-weighted share of power in service available
  //! Lost to outages: the same run without outages (same strategy and inputs) minus this one
  //! (filled by app::RunWithInputs when the station has outages; 0 otherwise).
  double outage_lost_discharge_mwh = 0.0, outage_lost_charge_mwh = 0.0;
  double outage_lost_revenue_yuan = 0.0;
  std::vector<PhaseKpis> phases;
  std::vector<YearKpis> years;
};

//! Computes the KPIs from the per-step ledger (an independent pass over the rows).
Kpis ComputeKpis(const RunResult& r, const ModelConfig& model);

}  // namespace essim::engine
