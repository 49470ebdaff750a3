// Forecasts a strategy may plan on: what a forecaster could have issued at decision time.
// `perfect` reads the actual future (declared); `persistence` only the past (the same time
// one day or one week earlier); `noisy` the actual value plus a seeded error whose spread
// grows with lead time (AR(1) in lead time), clipped to physical bounds.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/series.h"
#include "sim/core/time.h"

namespace essim::dispatch {

enum class ForecastKind { kPerfect, kPersistenceDay, kPersistenceWeek, kNoisy };

//! One input's forecast model.
struct ForecastConfig {
  ForecastKind kind = ForecastKind::kPerfect;
  double sigma_1h = 0.05;    //!< noisy: error standard deviation at 1 h lead, fraction of the series' maximum
  double sigma_24h = 0.20;   //!< noisy: at 24 h lead (linear in between, beyond held; ∝ lead below 1 h)
  double correlation_h = 6.0;  //!< noisy: e-folding lead time of the error's correlation, h
  std::uint64_t seed = 1;
  double lo = 0.0;            //!< physical bounds of the forecast value
  double hi = 1e300;
};

//! Issues at decision step k the forecast of steps [k, k + h) into `out` (size h). Steps
//! beyond the series end repeat its last value. `stream` separates inputs (PV, load,
//! price) so their errors are independent; the same (seed, stream, k) gives the same bits.
void IssueForecast(const ForecastConfig& c, const Series& actual, const TimeAxis& axis, std::int64_t k,
                   std::int64_t h, std::uint64_t stream, std::vector<double>* out);

}  // namespace essim::dispatch
