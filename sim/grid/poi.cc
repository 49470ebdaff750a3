#include "sim/grid/poi.h"

#include <algorithm>

namespace essim::grid {

NodeFlows ResolveNode(const NodeInput& in, const StationRange& st, const GridConfig& grid,
                      double setpoint_mw) {
  NodeFlows f;
  // PV net of the node's own consumption (standby charge included); positive = surplus to place.
  const double standby = std::min(st.standby_mw, st.charge_max_mw);
  const double surplus = in.pv_mw - in.load_mw - in.aux_mw - standby;

  // Feasible charge beyond standby, from the station and the grid side.
  double charge_hi = st.charge_max_mw - standby;
  if (!grid.allow_grid_charging) charge_hi = std::min(charge_hi, std::max(0.0, surplus));
  charge_hi = std::max(0.0, std::min(charge_hi, in.import_limit_mw + surplus));
  // Feasible discharge: never push export above its limit (that would only curtail PV).
  const double discharge_hi = std::min(st.discharge_max_mw, std::max(0.0, in.export_limit_mw - surplus));

  // Net power window (discharge − charge) from capability, grid and ramp.
  double lo = -charge_hi, hi = discharge_hi;
  const double ramp_lo = std::max(lo, st.ramp_lo_mw), ramp_hi = std::min(hi, st.ramp_hi_mw);
  if (ramp_lo <= ramp_hi) {  // the ramp yields to physical limits when they conflict
    lo = ramp_lo;
    hi = ramp_hi;
  }
  const double net = std::clamp(setpoint_mw, lo, hi);
  f.net_mw = net;
  f.discharge_mw = std::max(0.0, net);
  f.charge_mw = std::max(0.0, -net) + standby;

  const double residual = surplus + f.discharge_mw - std::max(0.0, -net);  // to export (+) or import (−)
  if (residual > in.export_limit_mw) {
    f.curtailed_mw = std::min(residual - in.export_limit_mw, in.pv_mw);
    f.export_mw = residual - f.curtailed_mw;
  } else if (residual >= 0.0) {
    f.export_mw = residual;
  } else {
    f.import_mw = -residual;
    f.import_over_limit = f.import_mw > (in.import_limit_mw + standby) * (1.0 + 1e-12) + 1e-9;
  }
  return f;
}

}  // namespace essim::grid
