// Forecasts a strategy may plan on: what a forecaster could have issued at decision time.
// `perfect` reads the actual future (declared); `persistence` only the past (the same time
// one day or one week earlier); `noisy` the actual value plus a seeded error whose spread
// grows with lead time (AR(1) in lead time), clipped to physical bounds.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/core/series.h"
#include "sim/core/time.h"

namespace essim::dispatch {

enum class ForecastKind { kPerfect, kPersistenceDay, kPersistenceWeek, kNoisy, kIssued };

//! Forecasts issued by someone else (e.g. a vendor), read from CSV: rows of (issue time,
//! target time, value), sorted by target then issue. A decision at time t takes, for each
//! target, the latest issue at or before t that covers it, else the last actual value
//! known at t.
struct IssuedForecasts {
  std::vector<std::int64_t> issue_unix_s, target_unix_s;
  std::vector<double> value;
};

//! One input's forecast model.
struct ForecastConfig {
  ForecastKind kind = ForecastKind::kPerfect;
  double sigma_1h = 0.05;    //!< noisy: error standard deviation at 1 h lead, fraction of the series' maximum
  double sigma_24h = 0.20;   //!< noisy: at 24 h lead (linear in between, beyond held; ∝ lead below 1 h)
  double correlation_h = 6.0;  //!< noisy: e-folding lead time of the error's correlation, h
  std::uint64_t seed = 1;
  double lo = 0.0;            //!< physical bounds of the forecast value
  double hi = 1e300;
  std::shared_ptr<const IssuedForecasts> issued;  //!< with kIssued
};

//! Issues at decision step k the forecast of steps [k, k + h) into `out` (size h). Steps
//! beyond the series end repeat its last value. `stream` separates inputs (PV, load,
//! price) so their errors are independent; the same (seed, stream, k) gives the same bits.
//! `bound`, when given, is the most the input can physically be per step, known ahead
//! (PV: 0 at night); a noisy forecast is clipped to it as well as to [lo, hi].
void IssueForecast(const ForecastConfig& c, const Series& actual, const TimeAxis& axis, std::int64_t k,
                   std::int64_t h, std::uint64_t stream, std::vector<double>* out, const Series* bound = nullptr);

//! The same for many decisions over one run: what the model needs of the whole series
//! (the noisy model's error scale, the series' largest magnitude) is computed once.
//! `actual`, `axis` and `bound` must outlive it.
class Forecaster {
 public:
  Forecaster() = default;
  Forecaster(ForecastConfig c, const Series& actual, const TimeAxis& axis, std::uint64_t stream,
             const Series* bound = nullptr);
  //! IssueForecast at decision step k for h steps.
  void Issue(std::int64_t k, std::int64_t h, std::vector<double>* out) const;

 private:
  ForecastConfig c_;
  const Series* actual_ = nullptr;
  const TimeAxis* axis_ = nullptr;
  std::uint64_t stream_ = 0;
  const Series* bound_ = nullptr;
  double scale_ = 0.0;
};

}  // namespace essim::dispatch
