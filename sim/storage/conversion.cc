#include "sim/storage/conversion.h"

#include <algorithm>
#include <cmath>

namespace essim::storage {

double EfficiencyCurve::At(double fraction) const {
  if (load_fraction.empty()) return 1.0;
  if (fraction <= load_fraction.front()) return efficiency.front();
  if (fraction >= load_fraction.back()) return efficiency.back();
  const auto it = std::upper_bound(load_fraction.begin(), load_fraction.end(), fraction);
  const std::size_t i = static_cast<std::size_t>(it - load_fraction.begin());
  const double x0 = load_fraction[i - 1], x1 = load_fraction[i];
  const double w = (fraction - x0) / (x1 - x0);
  return efficiency[i - 1] + w * (efficiency[i] - efficiency[i - 1]);
}

double Conversion::PcsEta(double ac_mw) const {
  if (c_.pcs.empty()) return c_.pcs_efficiency;
  return c_.pcs.At(power_mw_ > 0.0 ? ac_mw / power_mw_ : 0.0);
}

double Conversion::BatteryLoss(double dc_mw) const {
  if (c_.battery_loss_at_rated > 0.0) return power_mw_ > 0.0 ? c_.battery_loss_at_rated * dc_mw * dc_mw / power_mw_ : 0.0;
  return 0.0;  // constant efficiency is applied by the callers
}

double Conversion::Charge(double poi_mw, ChainLosses* loss) const {
  if (!(poi_mw > 0.0)) return 0.0;
  if (!c_.detailed) {
    const double stored = eta_c_ * poi_mw;
    loss->pcs += poi_mw - stored;
    return stored;
  }
  // POI → main transformer → 35 kV → skid transformer → PCS AC → DC → cells.
  const double main = c_.main.LoadLossMw(poi_mw, power_mw_);
  const double mv = poi_mw - main;
  const double skid = c_.skid.LoadLossMw(mv, power_mw_);
  const double ac = mv - skid;
  const double dc = ac * PcsEta(ac);
  double stored;
  if (c_.battery_loss_at_rated > 0.0) {
    stored = dc - BatteryLoss(dc);
  } else {
    stored = dc * c_.battery_efficiency;
  }
  loss->main += main;
  loss->skid += skid;
  loss->pcs += ac - dc;
  loss->battery += dc - stored;
  return stored;
}

double Conversion::Discharge(double poi_mw, ChainLosses* loss) const {
  if (!(poi_mw > 0.0)) return 0.0;
  if (!c_.detailed) {
    const double drawn = poi_mw / eta_d_;
    loss->pcs += drawn - poi_mw;
    return drawn;
  }
  // Cells → DC → PCS → skid transformer → 35 kV → main transformer → POI: losses on the way
  // out are computed on the flow they carry (the POI side of each element).
  const double main = c_.main.LoadLossMw(poi_mw, power_mw_);
  const double mv = poi_mw + main;
  const double skid = c_.skid.LoadLossMw(mv, power_mw_);
  const double ac = mv + skid;
  const double dc = ac / PcsEta(ac);
  double drawn;
  if (c_.battery_loss_at_rated > 0.0) {
    drawn = dc + BatteryLoss(dc);
  } else {
    drawn = dc / c_.battery_efficiency;
  }
  loss->main += main;
  loss->skid += skid;
  loss->pcs += dc - ac;
  loss->battery += drawn - dc;
  return drawn;
}

namespace {

// Largest x in [0, cap] with f(x) <= target, f increasing from f(0) = 0 and nearly linear
// (f(x)/x is an efficiency that varies slowly): secant steps through the origin converge in
// a few evaluations; the result is then nudged down until the bound holds exactly, with
// bisection as the fallback.
template <typename F>
double LargestBelow(F f, double target, double cap) {
  if (!(target > 0.0) || !(cap > 0.0)) return 0.0;
  const double f_cap = f(cap);
  if (f_cap <= target) return cap;
  double x = cap * target / f_cap;
  for (int i = 0; i < 30; ++i) {
    const double fx = f(x);
    if (!(fx > 0.0)) break;
    const double next = std::min(cap, x * target / fx);
    if (std::abs(next - x) <= 1e-15 * x) break;
    x = next;
  }
  for (int i = 0; i < 64; ++i) {
    if (f(x) <= target) return x;
    x = std::nextafter(x, 0.0);
  }
  double lo = 0.0, hi = cap;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * cap; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) <= target ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

double Conversion::MaxCharge(double stored_mw, double cap_mw) const {
  if (!c_.detailed) return std::clamp(stored_mw / eta_c_, 0.0, cap_mw);
  return LargestBelow([&](double x) { ChainLosses l; return Charge(x, &l); }, stored_mw, cap_mw);
}

double Conversion::MaxDischarge(double stored_mw, double cap_mw) const {
  if (!c_.detailed) return std::clamp(stored_mw * eta_d_, 0.0, cap_mw);
  return LargestBelow([&](double x) { ChainLosses l; return Discharge(x, &l); }, stored_mw, cap_mw);
}

double AuxConfig::Mw(double base_mw, double temp_c, double throughput_mw) const {
  const double cooling = cooling_per_c * std::max(0.0, temp_c - cool_above_c);
  const double heating = heating_per_c * std::max(0.0, heat_below_c - temp_c);
  return base_mw * (1.0 + cooling + heating) + throughput_fraction * std::abs(throughput_mw);
}

double AuxConfig::CellTempC(double ambient_c) const { return std::clamp(ambient_c, heat_below_c, cool_above_c); }

}  // namespace essim::storage
