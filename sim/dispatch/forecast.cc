#include "sim/dispatch/forecast.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/core/rng.h"

namespace essim::dispatch {

void IssueForecast(const ForecastConfig& c, const Series& actual, const TimeAxis& axis, std::int64_t k,
                   std::int64_t h, std::uint64_t stream, std::vector<double>* out, const Series* bound) {
  Forecaster(c, actual, axis, stream, bound).Issue(k, h, out);
}

Forecaster::Forecaster(ForecastConfig c, const Series& actual, const TimeAxis& axis, std::uint64_t stream,
                       const Series* bound)
    : c_(std::move(c)), actual_(&actual), axis_(&axis), stream_(stream), bound_(bound),
      scale_(c_.kind == ForecastKind::kNoisy && actual.size() > 0 ? actual.abs().maxCoeff() : 0.0) {}

void Forecaster::Issue(std::int64_t k, std::int64_t h, std::vector<double>* out) const {
  const ForecastConfig& c = c_;
  const Series& actual = *actual_;
  const TimeAxis& axis = *axis_;
  const Series* bound = bound_;
  const std::uint64_t stream = stream_;
  const std::int64_t n = actual.size();
  out->assign(static_cast<std::size_t>(h), 0.0);
  auto at = [&](std::int64_t i) { return actual[std::clamp<std::int64_t>(i, 0, n - 1)]; };
  switch (c.kind) {
    case ForecastKind::kPerfect:
      for (std::int64_t i = 0; i < h; ++i) (*out)[static_cast<std::size_t>(i)] = at(k + i);
      return;
    case ForecastKind::kPersistenceDay:
    case ForecastKind::kPersistenceWeek: {
      const std::int64_t lag = (c.kind == ForecastKind::kPersistenceDay ? 86400 : 7 * 86400) / axis.step_s;
      for (std::int64_t i = 0; i < h; ++i) {
        // The same time of day (week) in the past, stepping back whole periods until the
        // value was known at decision time (index < k); before the run: the first value.
        std::int64_t src = k + i - lag;
        while (src >= k) src -= lag;
        (*out)[static_cast<std::size_t>(i)] = src >= 0 ? actual[src] : (k > 0 ? actual[k - 1] : actual[0]);
      }
      return;
    }
    case ForecastKind::kIssued: {
      const IssuedForecasts& f = *c.issued;
      const std::int64_t t = axis.TimeAt(k);
      const double fallback = k > 0 ? actual[std::min<std::int64_t>(k - 1, n - 1)] : at(0);
      const std::size_t rows = f.value.size();
      for (std::int64_t i = 0; i < h; ++i) {
        const std::int64_t target = axis.TimeAt(k + i);
        // First row after (target, t) in (target, issue) order; the row before it, if it has
        // this target, is the latest issue at or before t.
        std::size_t lo = 0, hi = rows;
        while (lo < hi) {
          const std::size_t mid = (lo + hi) / 2;
          const bool before = f.target_unix_s[mid] < target || (f.target_unix_s[mid] == target && f.issue_unix_s[mid] <= t);
          if (before) lo = mid + 1;
          else hi = mid;
        }
        double v = fallback;
        if (lo > 0 && f.target_unix_s[lo - 1] == target) v = f.value[lo - 1];
        (*out)[static_cast<std::size_t>(i)] = std::clamp(v, c.lo, c.hi);
      }
      return;
    }
    case ForecastKind::kNoisy: {
      const double scale = scale_;
      Rng rng(c.seed ^ (0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(k) + 1)), stream);
      const double dt_h = axis.dt_h();
      const double phi = std::exp(-dt_h / std::max(c.correlation_h, 1e-9));
      double u = rng.Normal();
      for (std::int64_t i = 0; i < h; ++i) {
        if (i > 0) u = phi * u + std::sqrt(1.0 - phi * phi) * rng.Normal();
        const double lead_h = (static_cast<double>(i) + 0.5) * dt_h;
        double sigma = lead_h < 1.0 ? c.sigma_1h * lead_h
                                    : c.sigma_1h + (c.sigma_24h - c.sigma_1h) * std::min(1.0, (lead_h - 1.0) / 23.0);
        const double v = at(k + i) + sigma * scale * u;
        const double hi = bound ? std::max(c.lo, std::min(c.hi, (*bound)[std::clamp<std::int64_t>(k + i, 0, n - 1)])) : c.hi;
        (*out)[static_cast<std::size_t>(i)] = std::clamp(v, c.lo, hi);
      }
      return;
    }
  }
}

}  // namespace essim::dispatch
