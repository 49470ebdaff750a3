#include "sim/storage/station.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

namespace essim::storage {

std::vector<std::string> StationConfig::Validate() const {
  std::vector<std::string> errors;
  if (phases.empty()) errors.push_back("phases: expected at least one phase, found none");
  std::set<std::string> names;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const auto& p = phases[i];
    if (!names.insert(p.name).second) {
      errors.push_back(fmt::format("phases[{}].name: expected a unique name, found \"{}\" twice", i, p.name));
    }
    if (!(p.power_mw > 0.0)) errors.push_back(fmt::format("phases[{}].power: expected > 0 MW, found {} MW", i, p.power_mw));
    if (!(p.energy_mwh > 0.0)) errors.push_back(fmt::format("phases[{}].energy: expected > 0 MWh, found {} MWh", i, p.energy_mwh));
    if (!(p.aux_mw >= 0.0)) errors.push_back(fmt::format("phases[{}].aux_power: expected >= 0 MW, found {} MW", i, p.aux_mw));
  }
  if (!(soc_min >= 0.0 && soc_min < 1.0)) errors.push_back(fmt::format("soc.min: expected in [0 %, 100 %), found {} %", soc_min * 100));
  if (!(soc_max > 0.0 && soc_max <= 1.0)) errors.push_back(fmt::format("soc.max: expected in (0 %, 100 %], found {} %", soc_max * 100));
  if (!(soc_min < soc_max)) errors.push_back(fmt::format("soc.min: expected below soc.max ({} %), found {} %", soc_max * 100, soc_min * 100));
  if (!(soc_initial >= soc_min && soc_initial <= soc_max)) {
    errors.push_back(fmt::format("soc.initial: expected within [soc.min, soc.max] = [{} %, {} %], found {} %", soc_min * 100, soc_max * 100, soc_initial * 100));
  }
  if (!(eta_charge > 0.0 && eta_charge <= 1.0)) errors.push_back(fmt::format("efficiency.charge: expected in (0, 1], found {}", eta_charge));
  if (!(eta_discharge > 0.0 && eta_discharge <= 1.0)) errors.push_back(fmt::format("efficiency.discharge: expected in (0, 1], found {}", eta_discharge));
  if (!(self_discharge_per_day >= 0.0 && self_discharge_per_day < 1.0)) {
    errors.push_back(fmt::format("self_discharge: expected in [0, 100) %/day, found {} %/day", self_discharge_per_day * 100));
  }
  if (!(ramp_mw_per_min > 0.0)) errors.push_back(fmt::format("ramp_limit: expected > 0 MW/min, found {} MW/min", ramp_mw_per_min));
  return errors;
}

Station::Station(const StationConfig& config, const TimeAxis& axis)
    : config_(config), axis_(axis), phases_(config.phases.size()), dt_h_(axis.dt_h()) {
  keep_factor_ = std::pow(1.0 - config_.self_discharge_per_day, axis.step_s / 86400.0);
  ramp_step_mw_ = config_.ramp_mw_per_min * axis.step_s / 60.0;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    phases_[i].emin_mwh = config_.soc_min * config_.phases[i].energy_mwh;
    phases_[i].emax_mwh = config_.soc_max * config_.phases[i].energy_mwh;
  }
}

StepLimits Station::BeginStep(std::int64_t k) {
  StepLimits lim;
  const std::int64_t t = axis_.TimeAt(k);
  const double eta_c = config_.eta_charge, eta_d = config_.eta_discharge;
  power_in_service_mw_ = 0.0;
  aux_mw_ = 0.0;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    PhaseState& ph = phases_[i];
    const PhaseConfig& pc = config_.phases[i];
    if (!ph.in_service && pc.in_service_unix_s <= t) {
      ph.in_service = true;
      ph.stored_mwh = config_.soc_initial * pc.energy_mwh;
      lim.commissioned_mwh += ph.stored_mwh;
    }
    if (!ph.in_service) {
      ph.after_self_discharge_mwh = 0.0;
      ph.charge_cap_mw = ph.discharge_cap_mw = ph.standby_mw = 0.0;
      continue;
    }
    power_in_service_mw_ += pc.power_mw;
    aux_mw_ += pc.aux_mw;
    const double e = ph.stored_mwh * keep_factor_;
    ph.after_self_discharge_mwh = e;
    ph.charge_cap_mw = std::clamp((ph.emax_mwh - e) / (eta_c * dt_h_), 0.0, pc.power_mw);
    ph.discharge_cap_mw = std::clamp((e - ph.emin_mwh) * eta_d / dt_h_, 0.0, pc.power_mw);
    ph.standby_mw = e < ph.emin_mwh ? std::min((ph.emin_mwh - e) / (eta_c * dt_h_), pc.power_mw) : 0.0;
    lim.charge_max_mw += ph.charge_cap_mw;
    lim.discharge_max_mw += ph.discharge_cap_mw;
    lim.charge_min_mw += ph.standby_mw;
  }
  lim.aux_mw = aux_mw_;
  if (std::isfinite(ramp_step_mw_)) {
    lim.ramp_lo_mw = last_net_mw_ - ramp_step_mw_;
    lim.ramp_hi_mw = last_net_mw_ + ramp_step_mw_;
  }
  return lim;
}

namespace {

// Splits `total` among phases without exceeding `cap`, in proportion to `weight` (the caps
// when no weight is positive), passing what a full phase cannot take to the others.
void Split(double total, const std::vector<double>& cap, const std::vector<double>& weight, std::vector<double>* out) {
  const std::size_t n = cap.size();
  out->assign(n, 0.0);
  if (!(total > 0.0)) return;
  double remaining = total;
  for (std::size_t round = 0; round <= n && remaining > 1e-12 * total; ++round) {
    double w_sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) if ((*out)[i] < cap[i]) w_sum += std::max(0.0, weight[i]);
    const bool use_caps = !(w_sum > 0.0);
    if (use_caps) {
      w_sum = 0.0;
      for (std::size_t i = 0; i < n; ++i) w_sum += cap[i] - (*out)[i];
      if (!(w_sum > 0.0)) break;
    }
    double placed = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double head = cap[i] - (*out)[i];
      if (!(head > 0.0)) continue;
      const double w = use_caps ? head : std::max(0.0, weight[i]);
      const double give = std::min(head, remaining * w / w_sum);
      (*out)[i] += give;
      placed += give;
    }
    remaining -= placed;
  }
  // Close the sum exactly: the rounding left over goes to the phase with the most headroom.
  std::size_t best = n;
  double best_head = 0.0, placed = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (cap[i] - (*out)[i] > best_head || (best == n && (*out)[i] > 0.0)) {
      best = i;
      best_head = cap[i] - (*out)[i];
    }
  }
  if (best == n) return;
  for (std::size_t i = 0; i < n; ++i) if (i != best) placed += (*out)[i];
  (*out)[best] = std::max(0.0, total - placed);
}

}  // namespace

StepLosses Station::Apply(double charge_mw, double discharge_mw, const std::vector<double>* targets) {
  StepLosses loss;
  const double eta_c = config_.eta_charge, eta_d = config_.eta_discharge;
  const std::size_t np = phases_.size();
  double standby = 0.0;
  std::vector<double>&cap_c = cap_c_, &cap_d = cap_d_, &w_c = w_c_, &w_d = w_d_, &share_c = share_c_, &share_d = share_d_;
  cap_c.assign(np, 0.0);
  cap_d.assign(np, 0.0);
  w_c.assign(np, 0.0);
  w_d.assign(np, 0.0);
  for (std::size_t i = 0; i < np; ++i) {
    const PhaseState& ph = phases_[i];
    standby += ph.standby_mw;
    cap_c[i] = std::max(0.0, ph.charge_cap_mw - ph.standby_mw);
    cap_d[i] = ph.discharge_cap_mw;
    if (targets && i < targets->size()) {
      w_c[i] = std::max(0.0, -(*targets)[i]);
      w_d[i] = std::max(0.0, (*targets)[i]);
    }
  }
  // Standby first to the phases that need it; the rest by plan or capability.
  const double extra_c = std::max(0.0, charge_mw - standby);
  const double standby_scale = standby > 0.0 ? std::min(1.0, charge_mw / standby) : 0.0;
  Split(extra_c, cap_c, w_c, &share_c);
  Split(discharge_mw, cap_d, w_d, &share_d);
  for (std::size_t i = 0; i < np; ++i) {
    PhaseState& ph = phases_[i];
    if (!ph.in_service) continue;
    const double c = ph.standby_mw * standby_scale + share_c[i];
    const double d = share_d[i];
    const double before = ph.stored_mwh;
    const double e = ph.after_self_discharge_mwh;
    ph.stored_mwh = e + (eta_c * c - d / eta_d) * dt_h_;
    ph.discharged_stored_mwh += d / eta_d * dt_h_;
    loss.self_discharge_mw += (before - e) / dt_h_;
  }
  loss.charge_conversion_mw = (1.0 - eta_c) * charge_mw;
  loss.discharge_conversion_mw = (1.0 / eta_d - 1.0) * discharge_mw;
  last_net_mw_ = discharge_mw - charge_mw;
  return loss;
}

double Station::stored_mwh() const {
  double s = 0.0;
  for (const auto& ph : phases_) s += ph.stored_mwh;
  return s;
}

}  // namespace essim::storage
