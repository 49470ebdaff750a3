// The point of interconnection (POI) of the Jiayuguan 330 kV area, modelled as one
// node: PV, local load, the storage station and the grid meet here. Resolves a
// station setpoint into flows that balance exactly and respect the grid's limits.
#pragma once

#include <limits>

namespace essim::grid {

//! Grid-side rules at the node.
struct GridConfig {
  bool allow_grid_charging = true;  //!< may the station charge from imported energy
};

//! What the node sees in one step, MW (averages over the step).
struct NodeInput {
  double pv_mw = 0.0;        //!< available PV AC power (>= 0)
  double load_mw = 0.0;      //!< local load (>= 0)
  double aux_mw = 0.0;       //!< station auxiliary load (>= 0)
  double export_limit_mw = std::numeric_limits<double>::infinity();  //!< max export (>= 0)
  double import_limit_mw = std::numeric_limits<double>::infinity();  //!< max import (>= 0)
};

//! Station capability for the step, POI side, MW.
struct StationRange {
  double charge_max_mw = 0.0;
  double discharge_max_mw = 0.0;
  double standby_mw = 0.0;     //!< standby charge of phases held at SOC min: taken whatever the setpoint,
                               //!< exempt from the grid-charging rule and the import limit (like aux)
  double ramp_lo_mw = -std::numeric_limits<double>::infinity();  //!< lowest allowed net (discharge − charge)
  double ramp_hi_mw = std::numeric_limits<double>::infinity();
};

//! Balanced flows of one step, MW, all >= 0.
//! pv − curtailed + import + discharge = load + aux + charge + export, where charge includes
//! the standby charge (so charge and discharge are both positive only by that amount).
struct NodeFlows {
  double charge_mw = 0.0;
  double discharge_mw = 0.0;
  double curtailed_mw = 0.0;
  double export_mw = 0.0;
  double import_mw = 0.0;
  bool import_over_limit = false;  //!< the load alone needed more than the import limit
  double net_mw = 0.0;             //!< realized setpoint part: discharge − (charge − standby)
};

//! Resolves a setpoint (MW at the POI, + discharge, − charge) into balanced flows.
//! Order of precedence: station capability, then grid rules (export limit: never
//! discharge into curtailment; import limit and grid-charging rule bound charging),
//! then the ramp limit. PV is curtailed only where it exceeds what load, aux,
//! charging and export can take.
NodeFlows ResolveNode(const NodeInput& in, const StationRange& station, const GridConfig& grid,
                      double setpoint_mw);

}  // namespace essim::grid
