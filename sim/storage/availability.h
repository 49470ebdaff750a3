// Availability of a phase: planned outages (date ranges taking a fraction of the phase out)
// and seeded random forced outages of its units (two-state Markov: exponential times to
// failure and to repair, MTBF and MTTR), as the fraction of the phase in service.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "sim/core/rng.h"

namespace essim::storage {

//! A planned outage: `fraction` of the phase out of service over [start, end).
struct PlannedOutage {
  std::int64_t start_unix_s = 0, end_unix_s = 0;
  double fraction = 1.0;
};

//! Fraction of a phase available at time t under its planned outages alone, in [0, 1].
double PlannedAvailability(const std::vector<PlannedOutage>& planned, std::int64_t t_unix_s);

//! Random forced outages of a phase's units (e.g. 5 MW PCS/battery blocks).
struct ForcedOutageConfig {
  double unit_mw = 0.0;   //!< power of one unit; <= 0: no forced outages
  double mtbf_h = 0.0;    //!< mean time between failures of one unit, h
  double mttr_h = 0.0;    //!< mean time to repair, h
  std::uint64_t seed = 1;
  bool enabled() const { return unit_mw > 0.0 && mtbf_h > 0.0 && mttr_h > 0.0; }
};

//! The availability of one phase over time (call At with non-decreasing times).
class PhaseAvailability {
 public:
  PhaseAvailability(std::vector<PlannedOutage> planned, const ForcedOutageConfig& forced, double phase_power_mw,
                    std::uint64_t stream, std::int64_t start_unix_s);
  //! Fraction of the phase available at time t (planned × forced), in [0, 1].
  double At(std::int64_t t_unix_s);
  //! The planned part alone at time t (for dispatch told about planned outages).
  double PlannedAt(std::int64_t t_unix_s) const;
  int units() const { return units_; }

 private:
  std::vector<PlannedOutage> planned_;
  ForcedOutageConfig forced_;
  int units_ = 0;
  int down_ = 0;
  Rng rng_;
  // Next state change of each unit: (time, unit), earliest first.
  std::priority_queue<std::pair<double, int>, std::vector<std::pair<double, int>>, std::greater<>> events_;
  std::vector<char> is_down_;
  double Exponential(double mean_s);
};

}  // namespace essim::storage
