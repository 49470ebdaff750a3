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
  const auto& pcs = conversion.pcs;
  if (pcs.load_fraction.size() != pcs.efficiency.size()) errors.push_back("conversion.pcs_curve: expected as many efficiencies as load points");
  for (std::size_t i = 0; i < pcs.load_fraction.size(); ++i) {
    if (!(pcs.load_fraction[i] > (i ? pcs.load_fraction[i - 1] : 0.0))) {
      errors.push_back(fmt::format("conversion.pcs_curve[{}]: expected load fractions increasing from > 0, found {}", i, pcs.load_fraction[i]));
    }
    if (i < pcs.efficiency.size() && !(pcs.efficiency[i] > 0.0 && pcs.efficiency[i] <= 1.0)) {
      errors.push_back(fmt::format("conversion.pcs_curve[{}]: expected an efficiency in (0, 1], found {}", i, pcs.efficiency[i]));
    }
  }
  if (ageing.dod.size() != ageing.cycles.size() || ageing.dod.empty()) errors.push_back("ageing.cycle_life: expected (depth, cycles) points");
  for (std::size_t i = 0; i < ageing.dod.size() && i < ageing.cycles.size(); ++i) {
    if (!(ageing.dod[i] > (i ? ageing.dod[i - 1] : 0.0) && ageing.dod[i] <= 1.0) || !(ageing.cycles[i] > 0.0)) {
      errors.push_back(fmt::format("ageing.cycle_life[{}]: expected depth increasing in (0, 1] and cycles > 0", i));
    }
  }
  for (std::size_t i = 0; i < phases.size(); ++i) {
    for (std::size_t j = 0; j < phases[i].outages.size(); ++j) {
      const auto& o = phases[i].outages[j];
      if (!(o.end_unix_s > o.start_unix_s) || !(o.fraction > 0.0 && o.fraction <= 1.0)) {
        errors.push_back(fmt::format("phases[{}].outages[{}]: expected end after start and a fraction in (0, 1]", i, j));
      }
    }
  }
  return errors;
}

bool StationConfig::HasOutages() const {
  if (forced_outages.enabled()) return true;
  for (const auto& p : phases) {
    if (!p.outages.empty()) return true;
  }
  return false;
}

double StationConfig::RetentionPerStep(std::int64_t step_s) const {
  return std::pow(1.0 - self_discharge_per_day, static_cast<double>(step_s) / 86400.0);
}

Station::Station(const StationConfig& config, const TimeAxis& axis)
    : config_(config), axis_(axis), phases_(config.phases.size()), dt_h_(axis.dt_h()) {
  keep_factor_ = config_.RetentionPerStep(axis.step_s);
  detailed_ = config_.conversion.detailed;
  aux_driven_ = config_.aux.temperature_driven();
  ramp_step_mw_ = config_.ramp_mw_per_min * axis.step_s / 60.0;
  rainflow_.reserve(phases_.size());
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    const PhaseConfig& pc = config_.phases[i];
    phases_[i].blocks.push_back(BlockAgeing{pc.energy_mwh, 0.0, 0.0});
    UpdateCapacity(i);
    conversion_.emplace_back(config_.conversion, pc.power_mw, config_.eta_charge, config_.eta_discharge);
    availability_.emplace_back(pc.outages, config_.forced_outages, pc.power_mw, i, axis.start_unix_s);
    has_outages_ = has_outages_ || !pc.outages.empty() || config_.forced_outages.enabled();
    rainflow_.emplace_back([this, i](double range, double, double count) {
      PhaseState& ph = phases_[i];
      const double fade = count * config_.ageing.CycleFade(range);
      for (auto& b : ph.blocks) b.cycle_fade += fade;
      ph.cycles += count * range;
    });
  }
}

void Station::UpdateCapacity(std::size_t i) {
  PhaseState& ph = phases_[i];
  double cap = 0.0;
  for (const auto& b : ph.blocks) cap += std::max(0.0, b.Capacity());
  ph.capacity_mwh = cap;
  ph.emin_mwh = config_.soc_min * cap;
  ph.emax_mwh = config_.soc_max * cap;
}

StepLimits Station::BeginStep(std::int64_t k, double ambient_c) {
  StepLimits lim;
  const std::int64_t t = axis_.TimeAt(k);
  power_in_service_mw_ = 0.0;
  aux_mw_ = 0.0;
  cell_temp_c_ = config_.aux.CellTempC(ambient_c);
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    PhaseState& ph = phases_[i];
    const PhaseConfig& pc = config_.phases[i];
    // Scheduled augmentations: fresh energy from their date.
    while (ph.next_augmentation < pc.augmentations.size() && pc.augmentations[ph.next_augmentation].at_unix_s <= t) {
      const double e = pc.augmentations[ph.next_augmentation++].energy_mwh;
      ph.blocks.push_back(BlockAgeing{e, 0.0, 0.0});
      ph.augmented_mwh += e;
      ++ph.augmentations;
      UpdateCapacity(i);
    }
    if (!ph.in_service && pc.in_service_unix_s <= t) {
      ph.in_service = true;
      ph.stored_mwh = config_.soc_initial * ph.capacity_mwh;
      lim.commissioned_mwh += ph.stored_mwh;
    }
    ph.available = has_outages_ ? availability_[i].At(t) : 1.0;
    if (!ph.in_service) {
      ph.after_self_discharge_mwh = 0.0;
      ph.charge_cap_mw = ph.discharge_cap_mw = ph.standby_mw = 0.0;
      continue;
    }
    const Conversion& conv = conversion_[i];
    power_in_service_mw_ += pc.power_mw;
    const double aux = aux_driven_ ? config_.aux.Mw(pc.aux_mw, ambient_c, ph.throughput_mw) : pc.aux_mw;
    lim.aux_load_mw += aux;
    lim.skid_no_load_mw += conv.SkidNoLoadMw();
    lim.main_no_load_mw += conv.MainNoLoadMw();
    const double e = ph.stored_mwh * keep_factor_;
    ph.after_self_discharge_mwh = e;
    // Out-of-service units keep their share of the energy: the rest of the phase can move
    // its share of the headroom and of the energy above SOC min, at its share of the power.
    const double a = ph.available;
    const double up = std::max(0.0, ph.emax_mwh - e) / dt_h_, down = std::max(0.0, e - ph.emin_mwh) / dt_h_;
    if (detailed_) {
      ph.charge_cap_mw = conv.MaxCharge(a * up, a * pc.power_mw);
      ph.discharge_cap_mw = conv.MaxDischarge(a * down, a * pc.power_mw);
      ph.standby_mw = e < ph.emin_mwh ? conv.MaxCharge((ph.emin_mwh - e) / dt_h_, pc.power_mw) : 0.0;
    } else {  // constant efficiencies: closed forms (the hot path of long rule-based runs)
      ph.charge_cap_mw = std::clamp(a * up / config_.eta_charge, 0.0, a * pc.power_mw);
      ph.discharge_cap_mw = std::clamp(a * down * config_.eta_discharge, 0.0, a * pc.power_mw);
      ph.standby_mw = e < ph.emin_mwh ? std::min((ph.emin_mwh - e) / (config_.eta_charge * dt_h_), pc.power_mw) : 0.0;
    }
    lim.charge_max_mw += ph.charge_cap_mw;
    lim.discharge_max_mw += ph.discharge_cap_mw;
    lim.charge_min_mw += ph.standby_mw;
    lim.available_mw += a * pc.power_mw;
    if (a < 1.0) {
      lim.charge_max_full_mw += conv.MaxCharge(up, pc.power_mw);
      lim.discharge_max_full_mw += conv.MaxDischarge(down, pc.power_mw);
    } else {
      lim.charge_max_full_mw += ph.charge_cap_mw;
      lim.discharge_max_full_mw += ph.discharge_cap_mw;
    }
  }
  lim.aux_mw = lim.aux_load_mw + lim.skid_no_load_mw + lim.main_no_load_mw;
  aux_mw_ = lim.aux_mw;
  if (std::isfinite(ramp_step_mw_)) {
    lim.ramp_lo_mw = last_net_mw_ - ramp_step_mw_;
    lim.ramp_hi_mw = last_net_mw_ + ramp_step_mw_;
  }
  return lim;
}

void Station::EndStep() {
  if (!config_.ageing.enabled) return;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    PhaseState& ph = phases_[i];
    if (!ph.in_service || !(ph.capacity_mwh > 0.0)) continue;
    const double soc = ph.stored_mwh / ph.capacity_mwh;
    rainflow_[i].Push(soc);
    ph.day_soc_sum += soc;
    ph.day_temp_sum += cell_temp_c_;
    ++ph.day_samples;
  }
  day_elapsed_s_ += axis_.step_s;
  if (day_elapsed_s_ >= 86400.0) ApplyDay(true);
}

void Station::ApplyDay(bool clamp) {
  const double days = day_elapsed_s_ / 86400.0;
  day_elapsed_s_ = 0.0;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    PhaseState& ph = phases_[i];
    if (ph.day_samples > 0) {
      const double k = config_.ageing.CalendarK(ph.day_temp_sum / ph.day_samples, ph.day_soc_sum / ph.day_samples);
      const double in_service_days = days * ph.day_samples / std::max(1.0, days * 86400.0 / axis_.step_s);
      for (auto& b : ph.blocks) b.AddCalendar(k, in_service_days);
    }
    ph.day_soc_sum = ph.day_temp_sum = 0.0;
    ph.day_samples = 0;
    UpdateCapacity(i);
    // Threshold augmentation: fresh energy back to the target share of nameplate.
    const double original = config_.phases[i].energy_mwh;
    if (ph.in_service && config_.augment_below_soh > 0.0 && ph.capacity_mwh < config_.augment_below_soh * original) {
      const double add = config_.augment_to_soh * original - ph.capacity_mwh;
      if (add > 0.0) {
        ph.blocks.push_back(BlockAgeing{add, 0.0, 0.0});
        ph.augmented_mwh += add;
        ++ph.augmentations;
        UpdateCapacity(i);
      }
    }
    // Energy above the faded SOC max is lost with the capacity (booked as fade loss).
    if (clamp && ph.in_service && ph.stored_mwh > ph.emax_mwh) {
      fade_removed_mwh_ += ph.stored_mwh - ph.emax_mwh;
      ph.stored_mwh = ph.emax_mwh;
    }
  }
}

void Station::Finish() {
  if (!config_.ageing.enabled) return;
  for (auto& rf : rainflow_) rf.Finish();
  if (day_elapsed_s_ > 0.0) ApplyDay(false);  // after the last step: nothing left to book it in
  for (std::size_t i = 0; i < phases_.size(); ++i) UpdateCapacity(i);
}

PhaseHealth Station::phase_health(std::size_t i) const {
  const PhaseState& ph = phases_[i];
  PhaseHealth h;
  for (const auto& b : ph.blocks) {
    h.nameplate_mwh += b.energy_mwh;
    h.cycle_fade_mwh += b.energy_mwh * b.cycle_fade;
    h.calendar_fade_mwh += b.energy_mwh * b.calendar_fade;
  }
  h.capacity_mwh = ph.capacity_mwh;
  h.augmented_mwh = ph.augmented_mwh;
  h.augmentations = ph.augmentations;
  h.full_cycles = ph.cycles;
  return h;
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
    ChainLosses lc, ld;
    double gained, drawn;
    if (detailed_) {
      gained = conversion_[i].Charge(c, &lc);
      drawn = conversion_[i].Discharge(d, &ld);
    } else {
      gained = config_.eta_charge * c;
      drawn = d / config_.eta_discharge;
      lc.pcs = c - gained;
      ld.pcs = drawn - d;
    }
    ph.stored_mwh = e + (gained - drawn) * dt_h_;
    ph.discharged_stored_mwh += drawn * dt_h_;
    ph.throughput_mw = c + d;
    loss.self_discharge_mw += (before - e) / dt_h_;
    loss.charge_conversion_mw += c - gained;
    loss.discharge_conversion_mw += drawn - d;
    loss.chain.pcs += lc.pcs + ld.pcs;
    loss.chain.battery += lc.battery + ld.battery;
    loss.chain.skid += lc.skid + ld.skid;
    loss.chain.main += lc.main + ld.main;
  }
  // Fade applied at the end of the previous day removed energy above the new SOC max.
  loss.fade_mw = fade_removed_mwh_ / dt_h_;
  fade_removed_mwh_ = 0.0;
  last_net_mw_ = discharge_mw - charge_mw;
  return loss;
}

double Station::stored_mwh() const {
  double s = 0.0;
  for (const auto& ph : phases_) s += ph.stored_mwh;
  return s;
}

}  // namespace essim::storage
