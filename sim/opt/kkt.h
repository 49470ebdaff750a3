// Linear algebra of one interior-point iteration: factor and solve
//   H dx − Aᵀ dy = r_x,   A dx + δ dy = r_y      (H = Q + D, D diagonal > 0 changing)
// by a sparse quasidefinite LDLᵀ of the augmented matrix, or a banded LDLᵀ of the normal
// equations A H⁻¹ Aᵀ when Q is diagonal. Patterns and assembly maps are built once.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "sim/opt/solver.h"
#include "sim/opt/team.h"

namespace essim::opt {

class KktSolver {
 public:
  virtual ~KktSolver() = default;
  //! Factorizes with H = Q + diag(d) (+ the primal regularization). False on breakdown.
  virtual bool Factorize(const Eigen::VectorXd& d) = 0;
  //! Solves the regularized system for (dx, dy); then, if `then` is given, calls it for
  //! each half h of the columns (Halves: col_begin(h) to col_end(h)) once dx is complete
  //! there, on the thread that computed it (a pass over those columns, fused).
  virtual void SolveThen(const Eigen::VectorXd& rx, const Eigen::VectorXd& ry, Eigen::VectorXd* dx,
                         Eigen::VectorXd* dy, const std::function<void(int)>* then) const = 0;
  void Solve(const Eigen::VectorXd& rx, const Eigen::VectorXd& ry, Eigen::VectorXd* dx, Eigen::VectorXd* dy) const {
    SolveThen(rx, ry, dx, dy, nullptr);
  }
};

//! Half-bandwidth of A·Aᵀ's pattern (max row distance within any column).
int NormalBandwidth(const SparseMatrix& A);

//! Two halves of a problem ordered in time, for passes on two threads. The rows split at
//! rs: the columns of own[h] touch only the rows of half h, so each half's scatter into
//! rows is its own; the few columns `between` touch both and are taken on their own after
//! the halves. Element passes over columns split at jc. Without a split (the default, and
//! for small problems) the first half is everything and the second empty.
struct Halves {
  bool split = false;
  Eigen::Index n = 0, m = 0;    //!< columns and rows
  Eigen::Index jc = 0, rs = 0;  //!< the second half's first column (element passes) and row
  std::vector<int> own[2], between;

  static Halves Whole(Eigen::Index n, Eigen::Index m) {
    Halves h;
    h.n = h.jc = n;
    h.m = h.rs = m;
    return h;
  }
  Eigen::Index col_begin(int h) const { return h == 0 ? 0 : jc; }
  Eigen::Index col_end(int h) const { return h == 0 ? jc : n; }
  Eigen::Index row_begin(int h) const { return h == 0 ? 0 : rs; }
  Eigen::Index row_end(int h) const { return h == 0 ? rs : m; }
  //! The columns of half h that scatter into its rows only, in ascending order, handed over
  //! at once: f(list, t0, t1) stands for list[t] (or t itself when list is null), t in
  //! [t0, t1). BetweenSpan: the columns between the halves, likewise (not called if none).
  template <class F>
  void OwnSpan(int h, F&& f) const {
    if (split) f(own[h].data(), Eigen::Index{0}, static_cast<Eigen::Index>(own[h].size()));
    else if (h == 0) f(static_cast<const int*>(nullptr), Eigen::Index{0}, n);
  }
  template <class F>
  void BetweenSpan(F&& f) const {
    if (!between.empty()) f(between.data(), Eigen::Index{0}, static_cast<Eigen::Index>(between.size()));
  }
};

//! The halves of A (m × n) when it has at least params::kSplitColumns columns and is
//! ordered in time (at most 1/16 of its columns between the halves); otherwise Whole.
Halves SplitInTime(const SparseMatrix& A);

//! Builds the path for A (m × n) and Q (n × n, may be empty); `bandwidth` is
//! NormalBandwidth(A) when the caller has it (−1: computed here). The banded path runs its
//! passes by `halves` on `team` when both are given (they must outlive the solver).
std::unique_ptr<KktSolver> MakeKktSolver(LinearSolver which, const SparseMatrix& A, const SparseMatrix& Q,
                                         int bandwidth = -1, const Halves* halves = nullptr, Team* team = nullptr);

}  // namespace essim::opt
