// Settlement: capacity compensation pro-rated over the simulated period.
#pragma once

#include <cstdint>
#include <vector>

namespace essim::market {

//! Capacity compensation: price × credited power, credited = power × Π factors.
//! Gansu 2026 (NDRC draft 2025-07): 330 yuan/kW/yr × 47.5 % reliability ×
//! (1 − 1.74 % aux) × 89.53 % supply-demand ≈ 137.9 yuan/kW/yr effective.
struct CapacityConfig {
  double price_yuan_per_kw_yr = 0.0;  //!< headline price, yuan/kW/yr (>= 0)
  std::vector<double> factors;        //!< credit factors, fractions in (0, 1]; product applies
};

//! Capacity revenue of one phase of `power_mw` in service for `seconds_in_service`,
//! pro-rated on a year of 365 days. yuan.
double CapacityRevenue(const CapacityConfig& c, double power_mw, std::int64_t seconds_in_service);

}  // namespace essim::market
