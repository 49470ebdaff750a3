#include "sim/storage/availability.h"

#include <algorithm>
#include <cmath>

namespace essim::storage {

PhaseAvailability::PhaseAvailability(std::vector<PlannedOutage> planned, const ForcedOutageConfig& forced,
                                     double phase_power_mw, std::uint64_t stream, std::int64_t start_unix_s)
    : planned_(std::move(planned)), forced_(forced), rng_(forced.seed, stream) {
  if (!forced_.enabled()) return;
  units_ = std::max(1, static_cast<int>(std::lround(phase_power_mw / forced_.unit_mw)));
  is_down_.assign(static_cast<std::size_t>(units_), 0);
  for (int u = 0; u < units_; ++u) events_.emplace(static_cast<double>(start_unix_s) + Exponential(forced_.mtbf_h * 3600.0), u);
}

double PhaseAvailability::Exponential(double mean_s) {
  double u = rng_.Uniform();
  while (u <= 0.0) u = rng_.Uniform();
  return -mean_s * std::log(u);
}

double PlannedAvailability(const std::vector<PlannedOutage>& planned, std::int64_t t) {
  double out = 0.0;
  for (const auto& o : planned) {
    if (t >= o.start_unix_s && t < o.end_unix_s) out += o.fraction;
  }
  return std::clamp(1.0 - out, 0.0, 1.0);
}

double PhaseAvailability::PlannedAt(std::int64_t t) const { return PlannedAvailability(planned_, t); }

double PhaseAvailability::At(std::int64_t t) {
  double forced = 1.0;
  if (units_ > 0) {
    // Apply every failure and repair due by t (units change state at event times; the
    // state at the step start holds for the step).
    while (!events_.empty() && events_.top().first <= static_cast<double>(t)) {
      const auto [when, u] = events_.top();
      events_.pop();
      const bool fails = !is_down_[static_cast<std::size_t>(u)];
      is_down_[static_cast<std::size_t>(u)] = fails;
      down_ += fails ? 1 : -1;
      events_.emplace(when + Exponential((fails ? forced_.mttr_h : forced_.mtbf_h) * 3600.0), u);
    }
    forced = 1.0 - static_cast<double>(down_) / units_;
  }
  return PlannedAt(t) * forced;
}

}  // namespace essim::storage
