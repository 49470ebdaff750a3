// Forecasts a strategy may plan on: what a forecaster could have issued at decision time.
// `perfect` reads the actual future (declared); `persistence` only the past (the same time
// one day or one week earlier); `noisy` the actual value plus a seeded error whose spread
// grows with lead time, clipped to physical bounds. The noisy errors of successive issues
// evolve as in the martingale model of forecast evolution (Heath & Jackson, IIE Trans. 26
// (1994) 17-30; Graves et al. 1986): the error of the forecast of step T issued at step k
// is the information still to arrive, e(k, T) = Σ_{s=k..T} b(T − s)·W_s(T), one
// independent innovation path W_s per arrival step s, AR(1) in T (correlation time
// `correlation_h`), weighted so that Var e = S(T − k)², S the stated spread at that lead.
// A later issue knows more: it drops the terms that have arrived, so forecasts issued an
// hour apart differ by that hour's news instead of being independent draws.
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
  double correlation_h = 6.0;  //!< noisy: e-folding time of a step's news over its targets, h
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
  //! IssueForecast at decision step k for h steps. (Not thread-safe: the noisy model
  //! caches its innovation paths; the result depends only on (seed, stream, k, h).)
  void Issue(std::int64_t k, std::int64_t h, std::vector<double>* out) const;

 private:
  ForecastConfig c_;
  const Series* actual_ = nullptr;
  const TimeAxis* axis_ = nullptr;
  std::uint64_t stream_ = 0;
  const Series* bound_ = nullptr;
  double scale_ = 0.0;
  // noisy: b_[l], the spread added by the news that arrives l steps before its target
  // (b_[l]² = S(l)² − S(l − 1)²; as long as S still grows); the innovation paths W_s,
  // b_.size() values each, cached by arrival step (slot = s mod the number of slots).
  std::vector<double> b_;
  double phi_ = 0.0;
  mutable std::vector<double> paths_;
  mutable std::vector<std::int64_t> path_step_;
  // Per target t, the errors it has at every lead: news_[d] = Σ_{j=0..d} b_[j]·W_{t−j}[j],
  // the error of an issue d steps before t (summed from the latest news back, so each
  // partial sum is the next one's start), cached by target like the paths.
  mutable std::vector<double> news_;
  mutable std::vector<std::int64_t> news_step_;
  const double* Path(std::int64_t s) const;
  const double* News(std::int64_t t) const;
};

}  // namespace essim::dispatch
