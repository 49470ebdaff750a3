#include "sim/market/settlement.h"

namespace essim::market {

double CapacityRevenue(const CapacityConfig& c, double power_mw, std::int64_t seconds_in_service) {
  double credit = 1.0;
  for (double f : c.factors) credit *= f;
  constexpr double kSecondsPerYear = 365.0 * 86400.0;
  return c.price_yuan_per_kw_yr * power_mw * 1000.0 * credit *
         (static_cast<double>(seconds_in_service) / kSecondsPerYear);
}

}  // namespace essim::market
