#include "sim/dispatch/rules.h"

#include <algorithm>
#include <stdexcept>

namespace essim::dispatch {
namespace {

class Idle final : public Strategy {
 public:
  std::string_view name() const override { return "idle"; }
  double Setpoint(const Observation&) override { return 0.0; }
};

class Schedule final : public Strategy {
 public:
  explicit Schedule(ScheduleConfig c) : c_(std::move(c)) {}
  std::string_view name() const override { return "schedule"; }
  double Setpoint(const Observation& o) override {
    for (const auto& w : c_.windows) {
      if (!InClockWindow(o.local_second_of_day, w.start_s, w.end_s)) continue;
      const double p = w.power_mw.value_or(o.power_rating_mw);
      return w.charge ? -p : p;
    }
    return 0.0;
  }

 private:
  ScheduleConfig c_;
};

class PriceThreshold final : public Strategy {
 public:
  explicit PriceThreshold(PriceThresholdConfig c) : c_(c) {}
  std::string_view name() const override { return "price_threshold"; }
  double Setpoint(const Observation& o) override {
    if (o.price_yuan_per_mwh <= c_.charge_below_yuan_per_mwh) return -c_.charge_power_mw.value_or(o.power_rating_mw);
    if (o.price_yuan_per_mwh >= c_.discharge_above_yuan_per_mwh) return c_.discharge_power_mw.value_or(o.power_rating_mw);
    return 0.0;
  }

 private:
  PriceThresholdConfig c_;
};

// Charges what the node would otherwise curtail (PV above what load, aux and the
// export limit take); discharges stored energy spread evenly over an evening window,
// and whenever the price reaches a threshold.
class AbsorbCurtailment final : public Strategy {
 public:
  explicit AbsorbCurtailment(AbsorbCurtailmentConfig c) : c_(c) {}
  std::string_view name() const override { return "absorb_curtailment"; }
  double Setpoint(const Observation& o) override {
    const double surplus = o.pv_mw - o.load_mw - o.aux_mw;
    const double would_curtail = std::max(0.0, surplus - o.export_limit_mw);
    // The strategy knows the station's capability and asks only for what it can take.
    if (would_curtail > 0.0) return -std::min(would_curtail, o.charge_max_mw);
    if (c_.charge_below_yuan_per_mwh && o.price_yuan_per_mwh <= *c_.charge_below_yuan_per_mwh && surplus > 0.0) {
      return -std::min(surplus, o.charge_max_mw);
    }
    const double cap = std::min(c_.discharge_power_mw.value_or(o.power_rating_mw), o.discharge_max_mw);
    if (c_.discharge_start_s && InClockWindow(o.local_second_of_day, *c_.discharge_start_s, *c_.discharge_end_s)) {
      // Spread what is left evenly over the rest of the window.
      int left_s = *c_.discharge_end_s - o.local_second_of_day;
      if (left_s <= 0) left_s += 86400;
      const double left_h = left_s / 3600.0;
      return std::min(cap, o.dischargeable_mwh / std::max(left_h, o.dt_h));
    }
    if (c_.discharge_above_yuan_per_mwh && o.price_yuan_per_mwh >= *c_.discharge_above_yuan_per_mwh) return cap;
    return 0.0;
  }

 private:
  AbsorbCurtailmentConfig c_;
};

}  // namespace

bool InClockWindow(int sod, int start_s, int end_s) {
  if (start_s < end_s) return sod >= start_s && sod < end_s;
  return sod >= start_s || sod < end_s;
}

const std::vector<std::string>& RuleStrategyNames() {
  static const std::vector<std::string> kNames{"idle", "schedule", "price_threshold", "absorb_curtailment"};
  return kNames;
}

std::unique_ptr<Strategy> MakeRuleStrategy(const RuleConfig& c) {
  if (c.strategy == "idle") return std::make_unique<Idle>();
  if (c.strategy == "schedule") return std::make_unique<Schedule>(c.schedule);
  if (c.strategy == "price_threshold") return std::make_unique<PriceThreshold>(c.price_threshold);
  if (c.strategy == "absorb_curtailment") return std::make_unique<AbsorbCurtailment>(c.absorb_curtailment);
  throw std::invalid_argument("unknown strategy \"" + c.strategy + "\"");
}

}  // namespace essim::dispatch
