// Series: one value per step of a TimeAxis, as a contiguous Eigen array.
#pragma once

#include <Eigen/Core>

namespace essim {

//! One double per time step.
using Series = Eigen::ArrayXd;

}  // namespace essim
