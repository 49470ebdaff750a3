// Linear algebra of one interior-point iteration: factor and solve
//   H dx − Aᵀ dy = r_x,   A dx + δ dy = r_y      (H = Q + D, D diagonal > 0 changing)
// by a sparse quasidefinite LDLᵀ of the augmented matrix, or a banded LDLᵀ of the normal
// equations A H⁻¹ Aᵀ when Q is diagonal. Patterns and assembly maps are built once.
#pragma once

#include <memory>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "sim/opt/solver.h"

namespace essim::opt {

class KktSolver {
 public:
  virtual ~KktSolver() = default;
  //! Factorizes with H = Q + diag(d) (+ the primal regularization). False on breakdown.
  virtual bool Factorize(const Eigen::VectorXd& d) = 0;
  //! Solves the regularized system for (dx, dy).
  virtual void Solve(const Eigen::VectorXd& rx, const Eigen::VectorXd& ry, Eigen::VectorXd* dx,
                     Eigen::VectorXd* dy) const = 0;
};

//! Half-bandwidth of A·Aᵀ's pattern (max row distance within any column).
int NormalBandwidth(const SparseMatrix& A);

//! Builds the path for A (m × n) and Q (n × n, may be empty); `bandwidth` is
//! NormalBandwidth(A) when the caller has it (−1: computed here).
std::unique_ptr<KktSolver> MakeKktSolver(LinearSolver which, const SparseMatrix& A, const SparseMatrix& Q,
                                         int bandwidth = -1);

}  // namespace essim::opt
