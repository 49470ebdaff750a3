// A primal-dual interior-point solver for convex QPs and LPs:
//   minimize ½ xᵀQx + cᵀx + offset  subject to  row_lo ≤ A x ≤ row_hi,  x_lo ≤ x ≤ x_hi
// with Q symmetric positive semidefinite (diagonal is the fast common case) and any bound
// possibly infinite. Mehrotra predictor-corrector on the bound-feasible primal-dual
// system; two linear-algebra paths behind one interface. Knows nothing of energy.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

namespace essim::opt {

using SparseMatrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

//! The problem, with optional names (used by the MPS writer).
struct Problem {
  SparseMatrix A;                 //!< m × n constraint matrix
  Eigen::VectorXd row_lo, row_hi; //!< m; equal for equality rows; ±inf allowed
  Eigen::VectorXd c;              //!< n
  SparseMatrix Q;                 //!< n × n symmetric PSD (both triangles), or empty (LP)
  Eigen::VectorXd x_lo, x_hi;     //!< n; ±inf allowed
  double objective_offset = 0.0;
  std::vector<std::string> var_names, row_names;  //!< optional

  Eigen::Index num_vars() const { return c.size(); }
  Eigen::Index num_rows() const { return A.rows(); }
  //! Problems of shape or value (sizes, NaN, lo > hi, Q not symmetric); empty = valid.
  std::vector<std::string> Validate() const;
};

enum class Status {
  kOptimal,             //!< all criteria met at the tolerance
  kOptimalInaccurate,   //!< met at 1000 × the tolerance when the iterations stalled or the factorization broke down
  kPrimalInfeasible,    //!< a Farkas certificate (dual ray) was found
  kDualInfeasible,      //!< a primal ray was found: the objective is unbounded below
  kMaxIterations,
  kNumericalError,      //!< factorization failed or the iterates became non-finite
};

//! Name of a status ("optimal", "primal_infeasible", ...).
const char* StatusName(Status s);

enum class LinearSolver {
  kAuto,       //!< banded when Q is diagonal and the normal matrix has a small bandwidth
  kAugmented,  //!< sparse quasidefinite LDLᵀ of [−(Q+D) Aᵀ; A 0] (any Q)
  kBanded,     //!< banded LDLᵀ of the normal equations A (Q+D)⁻¹ Aᵀ (diagonal Q only)
};

struct Solution;

//! Solver options. Tolerances are relative: ‖r‖∞ ≤ tol·(1 + ‖data‖∞), see Info.
struct Options {
  double tolerance = 1e-8;   //!< primal, dual and gap tolerance (relative)
  int max_iterations = 200;
  LinearSolver linear_solver = LinearSolver::kAuto;
  bool scale = true;          //!< Ruiz equilibration of A
  //! Threads for one solve. A large problem banded in time (a year at 15 minutes; not a
  //! rolling-horizon window) runs its passes by two fixed halves, on two threads when this
  //! is 2 or more; the result is the same bits for any value.
  int threads = 1;
  //! A previous solution of a problem of the same shape to start from (x moved inside the
  //! bounds, y if it has one entry per row, z from c − Aᵀy, re-centred). If the warm solve
  //! does not end optimal, the problem is solved again from the cold start.
  const Solution* warm_start = nullptr;
  //! Compute Solution::z, the reduced costs of every variable (a pass over A); without,
  //! z is left empty (a warm start reads x and y only).
  bool reduced_costs = true;
  //! All invalid settings at once; empty = valid.
  std::vector<std::string> Validate() const;
};

//! What happened. Residuals are of the unscaled problem:
//! primal = ‖Ax − s‖∞/(1 + ‖bounds‖∞) with s the row activity clipped to its bounds,
//! dual = ‖c + Qx − Aᵀy − z‖∞/(1 + ‖c‖∞), gap = |primal obj − dual obj|/(1 + |primal obj|),
//! where z is the iterate's bound duals or the reduced costs put on the existing bounds by
//! their sign (dual objective = the Lagrangian bound at y), whichever certifies better.
struct Info {
  int iterations = 0;
  double primal_residual = 0.0, dual_residual = 0.0, gap = 0.0;
  double objective = 0.0, dual_objective = 0.0;
  double solve_seconds = 0.0;
  double setup_seconds = 0.0;  //!< of solve_seconds: presolve, scaling and KKT structure
  LinearSolver linear_solver = LinearSolver::kAuto;  //!< the path used
  int bandwidth = 0;                                 //!< half-bandwidth with the banded path
  bool cold_restart = false;  //!< the warm start did not reach the optimum: solved again from cold (counted in the totals)
};

//! Primal and dual solution. y: row duals (∂obj/∂row bound); z: reduced costs of the bounds
//! (z = z_lo − z_hi, positive at an active lower bound).
struct Solution {
  Eigen::VectorXd x, y, z;
};

struct Result {
  Status status = Status::kNumericalError;
  Info info;
  Solution solution;
};

//! Solves the problem; throws std::invalid_argument for an invalid problem or options,
//! and reports every numerical outcome through Result::status.
Result Solve(const Problem& problem, const Options& options = {});

}  // namespace essim::opt
