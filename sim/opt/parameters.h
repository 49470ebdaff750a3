// Algorithm constants of the interior-point method (not user options).
#pragma once

namespace essim::opt::params {

inline constexpr double kStepFraction = 0.995;      //!< fraction of the step to the boundary
inline constexpr double kPrimalReg = 1e-10;         //!< primal regularization of the KKT (1,1) block
inline constexpr double kDualReg = 1e-10;           //!< dual regularization of the KKT (2,2) block
inline constexpr int kRuizPasses = 8;               //!< equilibration passes at most
inline constexpr double kRuizTolerance = 1e-3;      //!< stop when every row and column norm is within this of 1
inline constexpr double kInfeasibilityTol = 1e-7;   //!< Farkas certificate tolerance (normalized)
inline constexpr double kDivergence = 1e10;         //!< iterate norm that triggers a certificate check
inline constexpr int kMaxBandwidth = 256;           //!< banded path only below this half-bandwidth
inline constexpr double kInaccurateFactor = 1e3;    //!< tol × this counts as optimal-inaccurate

//! Warm start: x is moved this fraction of its box width inside the bounds, and every
//! complementarity product is raised to at least this multiple of the mean product.
//! Measured on a rolling-horizon year (8,760 windows of 192 steps): margin 0.01 / 0.1 / 0.3
//! with centring 0.1 → 18.2 / 14.5 / 14.4 iterations per window against 19.2 from cold.
inline constexpr double kWarmMargin = 0.1;
inline constexpr double kWarmCentring = 0.1;

}  // namespace essim::opt::params
