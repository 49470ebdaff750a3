#include "sim/market/price.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace essim::market {
namespace {

double PriceAt(const TouTable& t, int sod) {
  for (const auto& p : t.periods) {
    const bool inside = p.start_s < p.end_s ? (sod >= p.start_s && sod < p.end_s)
                                            : (sod >= p.start_s || sod < p.end_s);
    if (inside) return p.price_yuan_per_mwh;
  }
  return 0.0;  // unreachable for validated tables
}

}  // namespace

std::vector<std::string> ValidateTouTable(const TouTable& table) {
  std::vector<std::string> errors;
  // Count coverage per minute of the day; exact for clock times in whole minutes.
  std::vector<int> cover(1440, 0);
  for (const auto& p : table.periods) {
    if (p.start_s == p.end_s || (p.start_s == 0 && p.end_s == 86400)) {
      if (p.start_s == 0 && p.end_s == 86400) {
        for (auto& c : cover) ++c;
      } else {
        errors.push_back(fmt::format("a period of zero length at {:02}:{:02}", p.start_s / 3600, p.start_s / 60 % 60));
      }
      continue;
    }
    for (int m = p.start_s / 60; m != p.end_s / 60; m = (m + 1) % 1440) {
      ++cover[static_cast<std::size_t>(m)];
      if (p.end_s == 86400 && m == 1439) break;
    }
  }
  auto clock = [](int m) { return fmt::format("{:02}:{:02}", m / 60, m % 60); };
  for (int m = 0; m < 1440; ++m) {
    const int c = cover[static_cast<std::size_t>(m)];
    if (c == 1) continue;
    int e = m;
    while (e < 1440 && cover[static_cast<std::size_t>(e)] == c) ++e;
    errors.push_back(fmt::format("expected periods covering 24 h exactly once, found {}-{} {}",
                                 clock(m), clock(e), c == 0 ? "uncovered" : "covered more than once"));
    m = e - 1;
  }
  return errors;
}

Series TouPrices(const TouConfig& tou, const TimeAxis& axis) {
  Series out(axis.count);
  for (std::int64_t k = 0; k < axis.count; ++k) {
    const int month = axis.LocalMonth(k);
    const TouTable* table = &tou.base;
    for (const auto& o : tou.overrides) {
      if (std::find(o.months.begin(), o.months.end(), month) != o.months.end()) {
        table = &o;
        break;
      }
    }
    out[k] = PriceAt(*table, axis.LocalSecondOfDay(k));
  }
  return out;
}

long ClampPrices(Series* prices, std::optional<double> floor, std::optional<double> cap) {
  long changed = 0;
  for (Eigen::Index k = 0; k < prices->size(); ++k) {
    double& p = (*prices)[k];
    const double before = p;
    if (floor && p < *floor) p = *floor;
    if (cap && p > *cap) p = *cap;
    changed += p != before;
  }
  return changed;
}

}  // namespace essim::market
