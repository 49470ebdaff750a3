// PV from a measured or modelled AC profile (MW per step). The weather-driven plant
// models of sim/pv replace this for scenarios without measured PV.
#pragma once

#include <optional>

#include "sim/core/series.h"

namespace essim::pv {

//! A profile of fleet AC power, optionally rescaled to another capacity.
struct ProfileConfig {
  std::optional<double> rated_mw;     //!< capacity the profile represents, MW (> 0)
  std::optional<double> scale_to_mw;  //!< capacity to simulate, MW (> 0); needs rated_mw
};

//! Scales a profile by scale_to / rated (1 when either is absent).
Series ScaleProfile(const Series& profile_mw, const ProfileConfig& config);

}  // namespace essim::pv
