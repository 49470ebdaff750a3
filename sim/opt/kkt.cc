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

// Band LDLᵀ, right-looking, in place. Slot (j, i) = band[j·(k+1) + i] holds M(j + i, j)
// below the diagonal and D(j) at i = 0; afterwards L(j + i, j) and D(j). The storage has k
// padding columns after the last, so every loop has the fixed length k: with K > 0 the
// half-bandwidth is a compile-time constant and the loops unroll (K = 0: k at run time).
template <int K>
bool FactorBand(double* band, Eigen::Index m, int k_run) {
  const int k = K > 0 ? K : k_run;
  const std::int64_t w = k + 1;
  for (Eigen::Index j = 0; j < m; ++j) {
    double* cj = band + j * w;
    const double dj = cj[0];
    if (!(std::abs(dj) > 1e-300) || !std::isfinite(dj)) return false;
    const double inv = 1.0 / dj;
    for (int i = 1; i <= k; ++i) {
      const double f = cj[i] * inv;
      double* ci = cj + i * w;
      for (int t = 0; t + i <= k; ++t) ci[t] -= f * cj[i + t];
    }
    for (int i = 1; i <= k; ++i) cj[i] *= inv;
  }
  return true;
}

// Solves L D Lᵀ v = v in place; v has k zero-padded entries after the m-th, and the band
// k zero rows before the first (read by the first rows' dot products). With a
// compile-time K both sweeps are in dot-product form over the last K results, which stay
// in registers (the column form would store to v[j + i] and load it back on the next row,
// a store-to-load round trip on the critical path of every row).
template <int K>
void SolveBand(const double* band, Eigen::Index m, int k_run, double* v) {
  const std::int64_t w = (K > 0 ? K : k_run) + 1;
  if constexpr (K > 0) {
    double last[K] = {};  // last[i] = z(j − 1 − i)
    for (Eigen::Index j = 0; j < m; ++j) {  // forward: z_j = v_j − Σ L(j, j − i) z(j − i)
      double s = v[j];
      for (int i = K; i >= 1; --i) s -= band[(j - i) * w + i] * last[i - 1];
      for (int i = K - 1; i >= 1; --i) last[i] = last[i - 1];
      last[0] = s;
      v[j] = s;
    }
    for (int i = 0; i < K; ++i) last[i] = 0.0;  // last[i] = y(j + 1 + i)
    for (Eigen::Index j = m - 1; j >= 0; --j) {  // backward: y_j = z_j / D_j − Σ L(j + i, j) y(j + i)
      const double* cj = band + j * w;
      double s = v[j] / cj[0];
      for (int i = K; i >= 1; --i) s -= cj[i] * last[i - 1];
      for (int i = K - 1; i >= 1; --i) last[i] = last[i - 1];
      last[0] = s;
      v[j] = s;
    }
  } else {
    const int k = k_run;
    for (Eigen::Index j = 0; j < m; ++j) {  // forward: L z = v
      const double* cj = band + j * w;
      const double vj = v[j];
      for (int i = 1; i <= k; ++i) v[j + i] -= cj[i] * vj;
    }
    for (int i = 0; i < k; ++i) v[m + i] = 0.0;
    for (Eigen::Index j = 0; j < m; ++j) v[j] /= band[j * w];
    for (Eigen::Index j = m - 1; j >= 0; --j) {  // backward: Lᵀ y = z
      const double* cj = band + j * w;
      double s = v[j];
      for (int i = 1; i <= k; ++i) s -= cj[i] * v[j + i];
      v[j] = s;
    }
  }
}

using FactorFn = bool (*)(double*, Eigen::Index, int);
using SolveFn = void (*)(const double*, Eigen::Index, int, double*);

template <int K>
void PickBand(int k, FactorFn* f, SolveFn* s) {
  if constexpr (K > 0) {
    if (k == K) {
      *f = &FactorBand<K>;
      *s = &SolveBand<K>;
      return;
    }
    PickBand<K - 1>(k, f, s);
  } else {
    *f = &FactorBand<0>;
    *s = &SolveBand<0>;
  }
}

// Normal equations M = A H⁻¹ Aᵀ + δI in lower band storage, assembled straight from A's
// compressed columns (entry pairs of each column → band slots; row indices are sorted, so
// slot = (lower row)·(k+1) + distance) and factored by band LDLᵀ in O(m·k²).
class BandedKkt final : public KktSolver {
 public:
  BandedKkt(const SparseMatrix& A, const SparseMatrix& Q, int k)
      : A_(A), n_(A.cols()), m_(A.rows()), k_(k), w_(k + 1) {
    if (Q.nonZeros() > 0) {
      q_diag_ = Eigen::VectorXd::Zero(n_);
      for (Eigen::Index j = 0; j < Q.outerSize(); ++j) {
        for (SparseMatrix::InnerIterator it(Q, j); it; ++it) q_diag_[j] += it.value();  // diagonal by construction
      }
    }
    band_.assign(static_cast<std::size_t>((m_ + 2 * k_) * w_), 0.0);  // k rows of zeros each side
    hinv_.resize(n_);
    work_y_.resize(m_ + k_);
    PickBand<8>(k_, &factor_, &solve_);
  }

  bool Factorize(const Eigen::VectorXd& d) override {
    std::fill(band_.begin(), band_.end(), 0.0);
    double* band = band_.data() + k_ * w_;
    const int* outer = A_.outerIndexPtr();
    const int* inner = A_.innerIndexPtr();
    const double* val = A_.valuePtr();
    const bool qp = q_diag_.size() > 0;
    for (Eigen::Index j = 0; j < n_; ++j) {
      const double h = 1.0 / ((qp ? q_diag_[j] : 0.0) + d[j] + params::kPrimalReg);
      hinv_[j] = h;
      for (int p = outer[j]; p < outer[j + 1]; ++p) {
        const double ap = val[p] * h;
        const std::int64_t base = static_cast<std::int64_t>(inner[p]) * w_ - inner[p];
        for (int q = p; q < outer[j + 1]; ++q) band[base + inner[q]] += ap * val[q];
      }
    }
    for (Eigen::Index i = 0; i < m_; ++i) band[i * w_] += params::kDualReg;
    return factor_(band, m_, k_);
  }

  void Solve(const Eigen::VectorXd& rx, const Eigen::VectorXd& ry, Eigen::VectorXd* dx, Eigen::VectorXd* dy) const override {
    // H dx − Aᵀ dy = rx, A dx + δ dy = ry  ⇒  (A H⁻¹ Aᵀ + δ) dy = ry − A H⁻¹ rx.
    const int* outer = A_.outerIndexPtr();
    const int* inner = A_.innerIndexPtr();
    const double* val = A_.valuePtr();
    double* v = work_y_.data();
    for (Eigen::Index i = 0; i < m_; ++i) v[i] = ry[i];
    for (Eigen::Index j = 0; j < n_; ++j) {
      const double hr = hinv_[j] * rx[j];
      for (int p = outer[j]; p < outer[j + 1]; ++p) v[inner[p]] -= val[p] * hr;
    }
    solve_(band_.data() + k_ * w_, m_, k_, v);
    dy->resize(m_);
    dx->resize(n_);
    for (Eigen::Index i = 0; i < m_; ++i) (*dy)[i] = v[i];
    for (Eigen::Index j = 0; j < n_; ++j) {  // dx = H⁻¹ (rx + Aᵀ dy)
      double s = 0.0;
      for (int p = outer[j]; p < outer[j + 1]; ++p) s += val[p] * v[inner[p]];
      (*dx)[j] = hinv_[j] * (rx[j] + s);
    }
  }

 private:
  const SparseMatrix& A_;
  Eigen::Index n_, m_;
  int k_;
  std::int64_t w_;
  FactorFn factor_ = nullptr;
  SolveFn solve_ = nullptr;
  Eigen::VectorXd q_diag_, hinv_;
  std::vector<double> band_;
  mutable Eigen::VectorXd work_y_;
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

std::unique_ptr<KktSolver> MakeKktSolver(LinearSolver which, const SparseMatrix& A, const SparseMatrix& Q, int bandwidth) {
  if (which == LinearSolver::kBanded) {
    if (Q.nonZeros() > 0 && !IsDiagonal(Q)) return nullptr;
    return std::make_unique<BandedKkt>(A, Q, bandwidth >= 0 ? bandwidth : NormalBandwidth(A));
  }
  return std::make_unique<AugmentedKkt>(A, Q);
}

}  // namespace essim::opt
