// Rule-based strategies: idle, schedule, price_threshold, absorb_curtailment.
// All are causal (Foresight::kNone).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/dispatch/strategy.h"

namespace essim::dispatch {

//! A daily window of the schedule strategy: local clock [start, end), may wrap midnight.
struct ScheduleWindow {
  int start_s = 0;
  int end_s = 0;
  bool charge = true;           //!< true: charge, false: discharge
  std::optional<double> power_mw;  //!< target at the POI (> 0); absent = station rating
};

struct ScheduleConfig {
  std::vector<ScheduleWindow> windows;  //!< must not overlap
};

struct PriceThresholdConfig {
  double charge_below_yuan_per_mwh = 0.0;     //!< charge when price <= this
  double discharge_above_yuan_per_mwh = 0.0;  //!< discharge when price >= this (> charge_below)
  std::optional<double> charge_power_mw;      //!< absent = station rating
  std::optional<double> discharge_power_mw;
};

struct AbsorbCurtailmentConfig {
  //! Local window [start, end) in which stored energy is spread evenly; may wrap midnight.
  std::optional<int> discharge_start_s;
  std::optional<int> discharge_end_s;
  //! Also discharge (outside the window) whenever the price is at least this.
  std::optional<double> discharge_above_yuan_per_mwh;
  //! Also charge from any PV surplus (not only would-be curtailment) when the price is at most this.
  std::optional<double> charge_below_yuan_per_mwh;
  std::optional<double> discharge_power_mw;  //!< cap on discharge; absent = station rating
};

//! Which rule strategy and its parameters.
struct RuleConfig {
  std::string strategy = "idle";  //!< idle | schedule | price_threshold | absorb_curtailment
  ScheduleConfig schedule;
  PriceThresholdConfig price_threshold;
  AbsorbCurtailmentConfig absorb_curtailment;
};

//! Names of the rule strategies.
const std::vector<std::string>& RuleStrategyNames();

//! Builds a rule strategy (throws std::invalid_argument on an unknown name).
std::unique_ptr<Strategy> MakeRuleStrategy(const RuleConfig& config);

//! True when clock `sod` lies in the local window [start, end) (wrapping midnight).
bool InClockWindow(int sod, int start_s, int end_s);

}  // namespace essim::dispatch
