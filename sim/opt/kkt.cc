#include "sim/opt/kkt.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/SparseCholesky>

#include "sim/opt/parameters.h"

namespace essim::opt {
namespace {

// Sparse quasidefinite augmented system K = [−(Q + D + ρI)  Aᵀ; A  δI], LDLᵀ with AMD.
class AugmentedKkt final : public KktSolver {
 public:
  AugmentedKkt(const SparseMatrix& A, const SparseMatrix& Q) : n_(A.cols()), m_(A.rows()) {
    std::vector<Eigen::Triplet<double>> t;
    t.reserve(static_cast<std::size_t>(A.nonZeros() * 2 + Q.nonZeros() + n_ + m_));
    for (Eigen::Index j = 0; j < n_; ++j) t.emplace_back(j, j, -1.0);  // diagonal, set per iteration
    for (Eigen::Index j = 0; j < Q.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(Q, j); it; ++it) {
        if (it.row() != it.col()) t.emplace_back(it.row(), it.col(), -it.value());
      }
    }
    for (Eigen::Index j = 0; j < A.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(A, j); it; ++it) {
        t.emplace_back(n_ + it.row(), j, it.value());
        t.emplace_back(j, n_ + it.row(), it.value());
      }
    }
    for (Eigen::Index i = 0; i < m_; ++i) t.emplace_back(n_ + i, n_ + i, params::kDualReg);
    K_.resize(n_ + m_, n_ + m_);
    K_.setFromTriplets(t.begin(), t.end());
    K_.makeCompressed();
    diag_index_.resize(static_cast<std::size_t>(n_));
    q_diag_ = Eigen::VectorXd::Zero(n_);
    for (Eigen::Index j = 0; j < Q.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(Q, j); it; ++it) {
        if (it.row() == it.col()) q_diag_[j] += it.value();
      }
    }
    for (Eigen::Index j = 0; j < n_; ++j) {
      const int* begin = K_.innerIndexPtr() + K_.outerIndexPtr()[j];
      const int* end = K_.innerIndexPtr() + K_.outerIndexPtr()[j + 1];
      diag_index_[static_cast<std::size_t>(j)] = static_cast<int>(std::lower_bound(begin, end, static_cast<int>(j)) - K_.innerIndexPtr());
    }
    ldlt_.analyzePattern(K_);
  }

  bool Factorize(const Eigen::VectorXd& d) override {
    double* v = K_.valuePtr();
    for (Eigen::Index j = 0; j < n_; ++j) v[diag_index_[static_cast<std::size_t>(j)]] = -(q_diag_[j] + d[j] + params::kPrimalReg);
    ldlt_.factorize(K_);
    return ldlt_.info() == Eigen::Success;
  }

  void Solve(const Eigen::VectorXd& rx, const Eigen::VectorXd& ry, Eigen::VectorXd* dx, Eigen::VectorXd* dy) const override {
    Eigen::VectorXd rhs(n_ + m_);
    rhs.head(n_) = -rx;
    rhs.tail(m_) = ry;
    const Eigen::VectorXd sol = ldlt_.solve(rhs);
    *dx = sol.head(n_);
    *dy = sol.tail(m_);
  }

 private:
  Eigen::Index n_, m_;
  SparseMatrix K_;
  std::vector<int> diag_index_;
  Eigen::VectorXd q_diag_;
  Eigen::SimplicialLDLT<SparseMatrix, Eigen::Lower, Eigen::AMDOrdering<int>> ldlt_;
};

// Normal equations M = A H⁻¹ Aᵀ + δI in lower band storage, assembled through a map
// computed once (each column's entry pairs → band slots), factored by band LDLᵀ: O(m·k²).
class BandedKkt final : public KktSolver {
 public:
  BandedKkt(const SparseMatrix& A, const SparseMatrix& Q, int k) : A_(A), n_(A.cols()), m_(A.rows()), k_(k) {
    q_diag_ = Eigen::VectorXd::Zero(n_);
    for (Eigen::Index j = 0; j < Q.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(Q, j); it; ++it) q_diag_[j] += it.value();  // diagonal by construction
    }
    const Eigen::Index w = k_ + 1;
    for (Eigen::Index j = 0; j < A.outerSize(); ++j) {
      std::vector<std::pair<int, double>> col;
      for (SparseMatrix::InnerIterator it(A, j); it; ++it) col.emplace_back(static_cast<int>(it.row()), it.value());
      for (std::size_t p = 0; p < col.size(); ++p) {
        for (std::size_t q = p; q < col.size(); ++q) {
          const int lo = std::min(col[p].first, col[q].first), hi = std::max(col[p].first, col[q].first);
          map_.push_back({static_cast<std::int64_t>(lo) * w + (hi - lo), static_cast<int>(j), col[p].second * col[q].second});
        }
      }
    }
    band_.resize(static_cast<std::size_t>(m_ * w));
    hinv_.resize(n_);
  }

  bool Factorize(const Eigen::VectorXd& d) override {
    for (Eigen::Index j = 0; j < n_; ++j) hinv_[j] = 1.0 / (q_diag_[j] + d[j] + params::kPrimalReg);
    std::fill(band_.begin(), band_.end(), 0.0);
    for (const Entry& e : map_) band_[static_cast<std::size_t>(e.slot)] += e.product * hinv_[e.col];
    const Eigen::Index w = k_ + 1;
    for (Eigen::Index i = 0; i < m_; ++i) band_[static_cast<std::size_t>(i * w)] += params::kDualReg;
    // In-place band LDLᵀ: slot (i, d) holds L(i + d, i) for d > 0 and D(i) for d = 0.
    for (Eigen::Index j = 0; j < m_; ++j) {
      double* cj = &band_[static_cast<std::size_t>(j * w)];
      for (Eigen::Index kk = std::max<Eigen::Index>(0, j - k_); kk < j; ++kk) {
        const double* ck = &band_[static_cast<std::size_t>(kk * w)];
        const double ljk = ck[j - kk];
        const double f = ljk * ck[0];
        // Column j of the Schur complement: rows j..min(kk + k, m − 1).
        const Eigen::Index last = std::min<Eigen::Index>(kk + k_, m_ - 1);
        for (Eigen::Index i = j; i <= last; ++i) cj[i - j] -= f * ck[i - kk];
      }
      double dj = cj[0];
      if (!(std::abs(dj) > 1e-300) || !std::isfinite(dj)) return false;
      cj[0] = dj;
      const Eigen::Index last = std::min<Eigen::Index>(j + k_, m_ - 1);
      for (Eigen::Index i = j + 1; i <= last; ++i) cj[i - j] /= dj;
    }
    return true;
  }

  void Solve(const Eigen::VectorXd& rx, const Eigen::VectorXd& ry, Eigen::VectorXd* dx, Eigen::VectorXd* dy) const override {
    // H dx − Aᵀ dy = rx, A dx + δ dy = ry  ⇒  (A H⁻¹ Aᵀ + δ) dy = ry − A H⁻¹ rx.
    const Eigen::VectorXd hrx = hinv_.cwiseProduct(rx);
    Eigen::VectorXd v = ry - A_ * hrx;
    const Eigen::Index w = k_ + 1;
    for (Eigen::Index j = 0; j < m_; ++j) {  // forward: L z = v
      const double* cj = &band_[static_cast<std::size_t>(j * w)];
      const double vj = v[j];
      const Eigen::Index last = std::min<Eigen::Index>(j + k_, m_ - 1);
      for (Eigen::Index i = j + 1; i <= last; ++i) v[i] -= cj[i - j] * vj;
    }
    for (Eigen::Index j = 0; j < m_; ++j) v[j] /= band_[static_cast<std::size_t>(j * w)];
    for (Eigen::Index j = m_ - 1; j >= 0; --j) {  // backward: Lᵀ y = z
      const double* cj = &band_[static_cast<std::size_t>(j * w)];
      double s = v[j];
      const Eigen::Index last = std::min<Eigen::Index>(j + k_, m_ - 1);
      for (Eigen::Index i = j + 1; i <= last; ++i) s -= cj[i - j] * v[i];
      v[j] = s;
    }
    *dy = v;
    *dx = hrx + hinv_.cwiseProduct(A_.transpose() * v);
  }

 private:
  struct Entry {
    std::int64_t slot;
    int col;
    double product;
  };
  const SparseMatrix& A_;
  Eigen::Index n_, m_;
  int k_;
  Eigen::VectorXd q_diag_, hinv_;
  std::vector<Entry> map_;
  std::vector<double> band_;
};

bool IsDiagonal(const SparseMatrix& Q) {
  for (Eigen::Index j = 0; j < Q.outerSize(); ++j) {
    for (SparseMatrix::InnerIterator it(Q, j); it; ++it) {
      if (it.row() != it.col() && it.value() != 0.0) return false;
    }
  }
  return true;
}

}  // namespace

int NormalBandwidth(const SparseMatrix& A) {
  int k = 0;
  for (Eigen::Index j = 0; j < A.outerSize(); ++j) {
    int lo = std::numeric_limits<int>::max(), hi = -1;
    for (SparseMatrix::InnerIterator it(A, j); it; ++it) {
      lo = std::min(lo, static_cast<int>(it.row()));
      hi = std::max(hi, static_cast<int>(it.row()));
    }
    if (hi >= 0) k = std::max(k, hi - lo);
  }
  return k;
}

std::unique_ptr<KktSolver> MakeKktSolver(LinearSolver which, const SparseMatrix& A, const SparseMatrix& Q) {
  if (which == LinearSolver::kBanded) {
    if (Q.nonZeros() > 0 && !IsDiagonal(Q)) return nullptr;
    return std::make_unique<BandedKkt>(A, Q, NormalBandwidth(A));
  }
  return std::make_unique<AugmentedKkt>(A, Q);
}

}  // namespace essim::opt
