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
//! A stalled gap (see SolveOnce): this many iterations in a row, each within
//! kInaccurateFactor × tol, with the complementarity below kStallComplementarity × the
//! objective gap, and none bringing max(primal residual, dual residual, gap) below
//! kStallProgress × the best so far, end the solve as optimal-inaccurate. Rolling windows
//! on which this happened: a gap stopped at 1.7e-8 over a primal residual floor of 2e-9 (μ
//! fell from 1e-12 to 1e-30 in 3 iterations, and the gap did not move for 45 until the
//! factorization broke down); a gap creeping 3-5 % an iteration from 6e-8 for 20
//! iterations before the same. Counted from the best iterate instead of in a row, or 3 in
//! a row, the rule also stopped windows whose residual bounced at its floor for a few
//! iterations and then met the tolerance.
inline constexpr int kStallIterations = 5;
inline constexpr double kStallComplementarity = 1e-3;
inline constexpr double kStallProgress = 0.9;
//! Banded problems of at least this many internal columns run their passes by two fixed
//! halves in time (on two threads when Options::threads allows): a year at 15 minutes has
//! ~170,000, a rolling-horizon window ~1,000.
inline constexpr long kSplitColumns = 1L << 15;

//! Warm start: x is moved this fraction of its box width inside the bounds, and every
//! complementarity product is raised to at least this multiple of the mean product.
//! Measured on a rolling-horizon year (8,760 windows of 192 steps, noisy PV, persistence
//! prices; 14.4 iterations per window cold), from the previous window's shifted optimum:
//! margin 0.01 / 0.03 / 0.06 / 0.12 / 0.2 / 0.3 / 0.45 at centring 0.5 gave 12.7 / 11.2 /
//! 10.6 / 10.4 / 10.6 / 10.8 / 11.3 iterations per window; centring 0.1 / 0.25 / 1 / 2 at
//! margin 0.12: 10.8 / 10.5 / 10.4 / 10.8. (An iterate of the previous solve kept at a gap
//! of 1e-2, centred but before the self-discharge ties are resolved, gave 12.3 at best; with
//! the primal part of a warm start dropped, the dual alone gave 12.4.) Re-measured in
//! session 8 with noisy forecasts that evolve from issue to issue (martingale model):
//! margin 0.06 / 0.09 / 0.12 / 0.16 / 0.22 gave 77,277 / 77,631 / 78,637 / 79,458 / 81,350
//! iterations a year with noisy PV, and 119,979 / 113,869 / 110,595 / 108,220 / 106,771
//! with noisy PV, load and price; centring 0.25 / 1 at 0.12: 79,662 / 79,190 and 111,510 /
//! 111,870. 0.12 and 0.5 stay.
inline constexpr double kWarmMargin = 0.12;
inline constexpr double kWarmCentring = 0.5;

}  // namespace essim::opt::params
