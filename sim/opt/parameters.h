// Algorithm constants of the interior-point method (not user options).
#pragma once

namespace essim::opt::params {

inline constexpr double kStepFraction = 0.995;      //!< fraction of the step to the boundary
inline constexpr double kPrimalReg = 1e-10;         //!< primal regularization of the KKT (1,1) block
inline constexpr double kDualReg = 1e-10;           //!< dual regularization of the KKT (2,2) block
inline constexpr double kMaxRegBoost = 1e6;         //!< augmented path: ρ and δ raised up to this factor on a zero pivot
inline constexpr int kRuizPasses = 8;               //!< equilibration passes at most (each stops early once every norm is in [1/2, 2))
inline constexpr double kInfeasibilityTol = 1e-7;   //!< Farkas certificate tolerance (normalized)
//! A failed solve is reported primal infeasible when its elastic problem's least row
//! violation exceeds this multiple of the tolerance (relative to 1 + the largest bound).
inline constexpr double kInfeasibleViolation = 10.0;
inline constexpr double kDivergence = 1e10;         //!< iterate norm that triggers a certificate check
inline constexpr int kMaxBandwidth = 256;           //!< banded path only below this half-bandwidth
inline constexpr double kInaccurateFactor = 1e3;    //!< tol × this counts as optimal-inaccurate

//! Warm start: x is moved this fraction of its box width inside the bounds, and every
//! complementarity product is raised to at least this multiple of the mean product.
//! Measured on a rolling-horizon year (8,760 windows of 192 steps):
//! With the shifted optimum: margin 0.01 / 0.1 / 0.3 and centring 0.1 gave 18.2 / 14.5 /
//! 14.0 iterations per window (19.2 cold); with the shifted iterate kept at a gap of 1e-2
//! (Result::warm_point), margin 0.2 and centring 0.5: 12.5.
inline constexpr double kWarmMargin = 0.2;
inline constexpr double kWarmCentring = 0.5;
//! Relative gap at which Options::record_warm_point keeps the iterate (1e-2 / 1e-3 / 1e-4:
//! 13.3 / 13.1 / 13.9 iterations per window at margin 0.1).
inline constexpr double kWarmPointGap = 1e-2;

}  // namespace essim::opt::params
