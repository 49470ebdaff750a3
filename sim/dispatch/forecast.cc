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
      scale_(c_.kind == ForecastKind::kNoisy && actual.size() > 0 ? actual.abs().maxCoeff() : 0.0) {
  if (c_.kind != ForecastKind::kNoisy) return;
  // The spread at lead l steps, S(l), at the middle of the step as before: σ_1h·lead below
  // 1 h, linear to σ_24h at 24 h, held beyond; never falling (news only accumulates, so a
  // σ_24h below σ_1h is held at the spread already reached).
  const double dt_h = axis.dt_h();
  phi_ = std::exp(-dt_h / std::max(c_.correlation_h, 1e-9));
  double prev = 0.0;
  for (std::int64_t l = 0;; ++l) {
    const double lead_h = (static_cast<double>(l) + 0.5) * dt_h;
    const double stated = lead_h < 1.0 ? c_.sigma_1h * lead_h
                                       : c_.sigma_1h + (c_.sigma_24h - c_.sigma_1h) * std::min(1.0, (lead_h - 1.0) / 23.0);
    const double sigma = std::max(prev, stated);
    if (lead_h > 24.0 && sigma == prev) break;  // (no news arrives further ahead)
    b_.push_back(std::sqrt(sigma * sigma - prev * prev));
    prev = sigma;
  }
}

namespace {

// Standard normals by Marsaglia's polar method, in pairs (no trigonometric call: the
// innovation paths draw ~100 values per step of the run). The candidate pairs are drawn
// in batches and the accepted ones taken in order, so the values are those of drawing
// pair by pair (the batch's surplus draws are never used: each path has its own stream);
// the rejection test is then no branch in the drawing loop, and the transforms of a
// batch overlap.
void PolarNormals(Rng* rng, double* out, std::size_t n) {
  constexpr std::size_t kBatch = 32;
  double u[kBatch], v[kBatch], q[kBatch];
  std::size_t i = 0;
  while (i < n) {
    // Candidates for the pairs still missing, with room for the ~21 % rejected.
    const std::size_t want = std::min(kBatch, (n - i + 1) / 2 + (n - i + 1) / 8 + 2);
    std::size_t kept = 0;
    for (std::size_t b = 0; b < want; ++b) {
      const double ub = 2.0 * rng->Uniform() - 1.0;
      const double vb = 2.0 * rng->Uniform() - 1.0;
      const double qb = ub * ub + vb * vb;
      u[kept] = ub;
      v[kept] = vb;
      q[kept] = qb;
      kept += qb < 1.0 && qb != 0.0;
    }
    for (std::size_t b = 0; b < kept && i < n; ++b, i += 2) {
      const double f = std::sqrt(-2.0 * std::log(q[b]) / q[b]);
      out[i] = u[b] * f;
      if (i + 1 < n) out[i + 1] = v[b] * f;
    }
  }
}

// The row for `key` in a ring cache of rows of `width` values keyed by step (a power of
// two of rows), and whether it holds key's values already; if not, it is claimed for key.
double* RingRow(std::vector<double>& rows, std::vector<std::int64_t>& keys, std::size_t width, std::int64_t key,
                bool* hit) {
  const std::size_t slot = static_cast<std::size_t>(key) & (keys.size() - 1);
  *hit = keys[slot] == key;
  keys[slot] = key;
  return rows.data() + slot * width;
}

}  // namespace

const double* Forecaster::Path(std::int64_t s) const {
  const std::size_t len = b_.size();
  bool hit = false;
  double* w = RingRow(paths_, path_step_, len, s, &hit);
  if (hit) return w;
  // W_s: unit-variance AR(1) over the targets s, s + 1, ..., from its own seeded stream.
  Rng rng(c_.seed ^ (0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(s) + 1)), stream_);
  PolarNormals(&rng, w, len);
  const double cw = std::sqrt(1.0 - phi_ * phi_);
  for (std::size_t i = 1; i < len; ++i) w[i] = phi_ * w[i - 1] + cw * w[i];
  return w;
}

const double* Forecaster::News(std::int64_t t) const {
  const std::size_t len = b_.size();
  bool hit = false;
  double* q = RingRow(news_, news_step_, len, t, &hit);
  if (hit) return q;
  // From the news of t itself (j = 0) back to the news len − 1 steps before: the bits of
  // each partial sum depend on t and the lead only, not on which issue asked first.
  double sum = 0.0;
  for (std::size_t j = 0; j < len; ++j) {
    sum += b_[j] * Path(t - static_cast<std::int64_t>(j))[j];
    q[j] = sum;
  }
  return q;
}

void Forecaster::Issue(std::int64_t k, std::int64_t h, std::vector<double>* out) const {
  const ForecastConfig& c = c_;
  const Series& actual = *actual_;
  const TimeAxis& axis = *axis_;
  const Series* bound = bound_;
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
      // e(k, T) = Σ_{s=k..T} b(T − s)·W_s(T − s): the news about T that arrives from the
      // issue on, which is T's partial sum at lead T − k (every news there is, at a lead
      // of len − 1 or more). Each target's sums are made once, whatever issues ask.
      const auto len = static_cast<std::int64_t>(b_.size());
      const auto slots_for = [](std::int64_t need) {
        std::size_t slots = 1;
        while (slots < static_cast<std::size_t>(need)) slots *= 2;
        return slots;
      };
      if (news_step_.size() < static_cast<std::size_t>(h)) {
        news_step_.assign(slots_for(h), -1);
        news_.assign(news_step_.size() * b_.size(), 0.0);
      }
      if (path_step_.empty()) {  // (a target reads the paths of the len steps up to it)
        path_step_.assign(slots_for(len), -1);
        paths_.assign(path_step_.size() * b_.size(), 0.0);
      }
      double* e = out->data();
      for (std::int64_t i = 0; i < h && len > 0; ++i) e[i] = News(k + i)[std::min(i, len - 1)];
      for (std::int64_t i = 0; i < h; ++i) {
        const double v = at(k + i) + scale_ * e[i];
        const double hi = bound ? std::max(c.lo, std::min(c.hi, (*bound)[std::clamp<std::int64_t>(k + i, 0, n - 1)])) : c.hi;
        e[i] = std::clamp(v, c.lo, hi);
      }
      return;
    }
  }
}

}  // namespace essim::dispatch
