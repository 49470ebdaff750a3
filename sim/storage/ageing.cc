#include "sim/storage/ageing.h"

#include <algorithm>
#include <cmath>

namespace essim::storage {

void Rainflow::Push(double x) {
  if (!has_last_) {
    has_last_ = true;
    last_ = x;
    AddReversal(x);  // the first sample is a reversal (the start point)
    return;
  }
  if (x == last_) return;
  const int d = x > last_ ? 1 : -1;
  if (has_dir_ && d != dir_) AddReversal(last_);  // the previous sample was a turning point
  dir_ = d;
  has_dir_ = true;
  last_ = x;
}

void Rainflow::AddReversal(double x) {
  stack_.push_back(x);
  // ASTM E1049-85 5.4.4: X = range of the last two reversals, Y = the range before it.
  while (stack_.size() >= 3) {
    const std::size_t n = stack_.size();
    const double x_range = std::abs(stack_[n - 1] - stack_[n - 2]);
    const double y_range = std::abs(stack_[n - 2] - stack_[n - 3]);
    if (x_range < y_range) break;
    if (n == 3) {
      // Y contains the start point: a half cycle; drop the start point.
      sink_(y_range, 0.5 * (stack_[0] + stack_[1]), 0.5);
      stack_.erase(stack_.begin());
    } else {
      sink_(y_range, 0.5 * (stack_[n - 2] + stack_[n - 3]), 1.0);
      stack_.erase(stack_.begin() + static_cast<std::ptrdiff_t>(n - 3), stack_.begin() + static_cast<std::ptrdiff_t>(n - 1));
    }
  }
}

void Rainflow::Finish() {
  if (has_dir_) AddReversal(last_);  // the last sample ends the history
  for (std::size_t i = 1; i < stack_.size(); ++i) {
    sink_(std::abs(stack_[i] - stack_[i - 1]), 0.5 * (stack_[i] + stack_[i - 1]), 0.5);
  }
  stack_.clear();
  has_last_ = has_dir_ = false;
  dir_ = 0;
}

double AgeingConfig::CycleFade(double depth) const {
  if (!(depth > 0.0) || dod.empty()) return 0.0;
  // Log-log interpolation between table points; the end segments extend as power laws.
  std::size_t i = 1;
  while (i + 1 < dod.size() && depth > dod[i]) ++i;
  double n_cycles;
  if (dod.size() == 1) {
    n_cycles = cycles[0] * dod[0] / depth;
  } else {
    const double x0 = std::log(dod[i - 1]), x1 = std::log(dod[i]);
    const double y0 = std::log(cycles[i - 1]), y1 = std::log(cycles[i]);
    n_cycles = std::exp(y0 + (std::log(depth) - x0) * (y1 - y0) / (x1 - x0));
  }
  return table_fade / n_cycles;
}

double AgeingConfig::CalendarK(double temp_c, double soc) const {
  const double t_k = temp_c + 273.15;
  return calendar_a * std::exp(calendar_b * (1.0 / t_k - 1.0 / 296.0)) * std::exp(calendar_c * (soc / t_k - 1.0 / 296.0));
}

void BlockAgeing::AddCalendar(double k, double days) {
  if (!(days > 0.0) || !(k > 0.0)) return;
  // Time-equivalent: the age at which rate k would have produced the fade so far.
  const double t_eq = calendar_fade > 0.0 ? (calendar_fade / k) * (calendar_fade / k) : 0.0;
  calendar_fade = k * std::sqrt(t_eq + days);
}

}  // namespace essim::storage
