#include "sim/pv/profile.h"

namespace essim::pv {

Series ScaleProfile(const Series& profile_mw, const ProfileConfig& config) {
  if (config.rated_mw && config.scale_to_mw) return profile_mw * (*config.scale_to_mw / *config.rated_mw);
  return profile_mw;
}

}  // namespace essim::pv
