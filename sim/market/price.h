// Energy prices: time-of-use tables and series, with a market floor and cap.
#pragma once

#include <optional>
#include <vector>

#include "sim/core/series.h"
#include "sim/core/time.h"

namespace essim::market {

//! One time-of-use period: local clock [start, end), wrapping past midnight if end <= start.
struct TouPeriod {
  int start_s = 0;                   //!< seconds after local midnight, [0, 86400)
  int end_s = 0;                     //!< seconds after local midnight, (0, 86400]
  double price_yuan_per_mwh = 0.0;
};

//! A daily table of periods, optionally for some months only.
struct TouTable {
  std::vector<int> months;           //!< 1-12; empty = every month (the base table)
  std::vector<TouPeriod> periods;    //!< must cover the day exactly once
};

//! Time-of-use prices: a base table and month overrides (the first override naming a
//! month wins).
struct TouConfig {
  TouTable base;
  std::vector<TouTable> overrides;
};

//! Checks that periods cover 24 h without overlap; returns problems as text.
std::vector<std::string> ValidateTouTable(const TouTable& table);

//! Price at each step: the step's start clock selects the period (periods whose
//! boundaries fall inside a step are not averaged; use steps that divide the periods).
Series TouPrices(const TouConfig& tou, const TimeAxis& axis);

//! Clamps prices into [floor, cap] in place; returns how many values changed.
long ClampPrices(Series* prices, std::optional<double> floor_yuan_per_mwh,
                 std::optional<double> cap_yuan_per_mwh);

}  // namespace essim::market
