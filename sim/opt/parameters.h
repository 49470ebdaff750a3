// Algorithm constants of the interior-point method (not user options).
#pragma once

#include <cstdlib>

namespace essim::opt::params {

inline constexpr double kStepFraction = 0.995;      //!< fraction of the step to the boundary
inline constexpr double kPrimalReg = 1e-10;         //!< primal regularization of the KKT (1,1) block
inline constexpr double kDualReg = 1e-10;           //!< dual regularization of the KKT (2,2) block
inline constexpr int kRuizPasses = 8;               //!< equilibration passes
inline constexpr double kInfeasibilityTol = 1e-7;   //!< Farkas certificate tolerance (normalized)
inline constexpr double kDivergence = 1e10;         //!< iterate norm that triggers a certificate check
inline constexpr int kMaxBandwidth = 256;           //!< banded path only below this half-bandwidth
inline constexpr double kInaccurateFactor = 1e3;    //!< tol × this counts as optimal-inaccurate

//! Warm start: x is moved this fraction of its box width inside the bounds, and every
//! complementarity product is raised to at least this multiple of the mean product.
inline const double kWarmMargin = getenv("ESSIM_WM") ? atof(getenv("ESSIM_WM")) : 1e-2;
inline const double kWarmCentring = getenv("ESSIM_WC") ? atof(getenv("ESSIM_WC")) : 1.0;

}  // namespace essim::opt::params
