#include "sim/grid/poi.h"

#include <algorithm>

namespace essim::grid {

NodeFlows ResolveNode(const NodeInput& in, const StationRange& st, const GridConfig& grid,
                      double setpoint_mw) {
  NodeFlows f;
  // PV net of the node's own consumption; positive = surplus to place.
  const double surplus = in.pv_mw - in.load_mw - in.aux_mw;

  // Feasible charge range from the grid side.
  // The standby charge against self-discharge at SOC min is the station's own
  // consumption, like aux: exempt from the grid-charging rule and the import limit.
  const double standby = std::min(st.charge_min_mw, st.charge_max_mw);
  double charge_hi = st.charge_max_mw;
  if (!grid.allow_grid_charging) charge_hi = std::min(charge_hi, std::max(0.0, surplus));
  charge_hi = std::min(charge_hi, std::max(0.0, in.import_limit_mw + surplus));
  charge_hi = std::max(charge_hi, standby);
  // Feasible discharge: never push export above its limit (that would only curtail PV).
  double discharge_hi = std::min(st.discharge_max_mw, std::max(0.0, in.export_limit_mw - surplus));

  // Net power window (discharge − charge) from capability, grid and ramp.
  double lo = -charge_hi, hi = discharge_hi;
  const double ramp_lo = std::max(lo, st.ramp_lo_mw), ramp_hi = std::min(hi, st.ramp_hi_mw);
  if (ramp_lo <= ramp_hi) {  // the ramp yields to physical limits when they conflict
    lo = ramp_lo;
    hi = ramp_hi;
  }
  // Standby charge takes precedence over a discharge or idling.
  if (standby > 0.0) hi = std::min(hi, -standby);
  if (hi < lo) hi = lo;
  const double net = std::clamp(setpoint_mw, lo, hi);
  if (net >= 0.0) {
    f.discharge_mw = net;
  } else {
    f.charge_mw = -net;
  }

  const double residual = surplus + f.discharge_mw - f.charge_mw;  // to export (+) or import (−)
  if (residual > in.export_limit_mw) {
    f.curtailed_mw = std::min(residual - in.export_limit_mw, in.pv_mw);
    f.export_mw = residual - f.curtailed_mw;
  } else if (residual >= 0.0) {
    f.export_mw = residual;
  } else {
    f.import_mw = -residual;
    f.import_over_limit = f.import_mw > in.import_limit_mw * (1.0 + 1e-12) + 1e-9;
  }
  return f;
}

}  // namespace essim::grid
