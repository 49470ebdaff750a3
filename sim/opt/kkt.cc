#include "sim/opt/kkt.h"

#include <algorithm>
#include <cmath>
#include <limits>
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
    diag_index_.resize(static_cast<std::size_t>(n_ + m_));
    q_diag_ = Eigen::VectorXd::Zero(n_);
    for (Eigen::Index j = 0; j < Q.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(Q, j); it; ++it) {
        if (it.row() == it.col()) q_diag_[j] += it.value();
      }
    }
    for (Eigen::Index j = 0; j < n_ + m_; ++j) {
      const int* begin = K_.innerIndexPtr() + K_.outerIndexPtr()[j];
      const int* end = K_.innerIndexPtr() + K_.outerIndexPtr()[j + 1];
      diag_index_[static_cast<std::size_t>(j)] = static_cast<int>(std::lower_bound(begin, end, static_cast<int>(j)) - K_.innerIndexPtr());
    }
    ldlt_.analyzePattern(K_);
  }

  // In exact arithmetic the quasidefinite K has pivots ≤ −ρ and ≥ δ; near the optimum the
  // regularization can be lost in rounding against D spanning twenty decades, and a pivot
  // comes out exactly 0 (Eigen's LDLᵀ then stops). The factorization is then tried again
  // with ρ and δ raised 100-fold at a time (dynamic regularization): the step solves a
  // slightly more regularized system, and the next iteration's residuals correct it.
  bool Factorize(const Eigen::VectorXd& d) override {
    double* v = K_.valuePtr();
    for (double boost = 1.0; boost <= params::kMaxRegBoost; boost *= 100.0) {
      for (Eigen::Index j = 0; j < n_; ++j)
        v[diag_index_[static_cast<std::size_t>(j)]] = -(q_diag_[j] + d[j] + params::kPrimalReg * boost);
      for (Eigen::Index i = 0; i < m_; ++i) v[diag_index_[static_cast<std::size_t>(n_ + i)]] = params::kDualReg * boost;
      ldlt_.factorize(K_);
      if (ldlt_.info() == Eigen::Success) return true;
    }
    return false;
  }

  void SolveThen(const Eigen::VectorXd& rx, const Eigen::VectorXd& ry, Eigen::VectorXd* dx, Eigen::VectorXd* dy,
                 const std::function<void(int)>* then) const override {
    Eigen::VectorXd rhs(n_ + m_);
    rhs.head(n_) = -rx;
    rhs.tail(m_) = ry;
    const Eigen::VectorXd sol = ldlt_.solve(rhs);
    *dx = sol.head(n_);
    *dy = sol.tail(m_);
    if (then != nullptr) {
      (*then)(0);
      (*then)(1);
    }
  }

 private:
  Eigen::Index n_, m_;
  SparseMatrix K_;
  std::vector<int> diag_index_;
  Eigen::VectorXd q_diag_;
  Eigen::SimplicialLDLT<SparseMatrix, Eigen::Lower, Eigen::AMDOrdering<int>> ldlt_;
};

// In exact arithmetic every pivot of M + δI is at least δ. A pivot at or below
// kDependentPivot = δ/2 is what cancellation left of δ: its row depends on the rows
// eliminated before it. (At the end of a solve with an export limit, the export-room and
// node rows can be identical over the columns not at a bound, and the regularization is
// lost in rounding against diagonals of 1e10: the pivot comes out exactly 0.) The pivot is
// replaced by a huge value, which decouples the row: its L entries and its dy become 0.
// This is Cholesky-infinity, as in Zhang's LIPSOL and Wright, SIAM J. Optim. 9 (1999).
// False only for a pivot that is not a number, or infinite: the matrix itself is broken.
inline constexpr double kDependentPivot = 0.5 * params::kDualReg;
inline constexpr double kHugePivot = 1e128;
inline bool SafePivot(double* d) {
  if (*d > kDependentPivot && *d < std::numeric_limits<double>::infinity()) return true;
  if (!std::isfinite(*d)) return false;
  *d = kHugePivot;
  return true;
}

// One right-looking pivot: column j (at cj) updates the `k` columns after it and becomes
// L(j + i, j) and D(j). K > 0: k = K at compile time (the loops unroll). False on a bad
// pivot.
template <int K>
inline bool Pivot(double* cj, std::int64_t w, int k_run) {
  const int k = K > 0 ? K : k_run;
  if (!SafePivot(cj)) return false;
  const double inv = 1.0 / cj[0];
  for (int i = 1; i <= k; ++i) {
    const double f = cj[i] * inv;
    double* ci = cj + i * w;
    for (int t = 0; t + i <= k; ++t) ci[t] -= f * cj[i + t];
  }
  for (int i = 1; i <= k; ++i) cj[i] *= inv;
  return true;
}

// Band LDLᵀ, right-looking, in place, for a half-bandwidth k known at run time (beyond the
// compiled range of the twisted version below). Slot (j, i) = band[j·(k+1) + i] holds
// M(j + i, j) below the diagonal and D(j) at i = 0; afterwards L(j + i, j) and D(j). The
// storage has k padding columns after the last, so every loop has the length k.
bool FactorBand(double* band, Eigen::Index m, int k, Team*) {
  const std::int64_t w = k + 1;
  for (Eigen::Index j = 0; j < m; ++j) {
    if (!Pivot<0>(band + j * w, w, k)) return false;
  }
  return true;
}

// Solves L D Lᵀ v = v in place with FactorBand's factors; v has k padding entries after
// the m-th.
void SolveBand(const double* band, Eigen::Index m, int k, double* v, Team*) {
  const std::int64_t w = k + 1;
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

// The factorization for a compile-time half-bandwidth K (1-8, the loops unroll), in a
// twisted order: the first s pivots from the top (as FactorBand), the last ones from the
// bottom upwards, and the K rows in between last. Each end is one chain of dependent
// divisions and updates; run side by side in one loop the two chains overlap (measured:
// the rolling-horizon year ~5 % faster than one chain from the top). The order is a
// symmetric permutation of the elimination, so M stays exactly what it was and LDLᵀ of a
// positive definite M stays stable.
// Storage as in FactorBand: slot (c, d) = band[c·(K+1) + d] holds M(c + d, c). A bottom
// pivot p leaves U(p − i, p) = M(p, p − i)/D(p) in slot (p − i, i).
struct Twist {
  Eigen::Index s, mid_end;  // top pivots [0, s), middle [s, mid_end), bottom [mid_end, m)
};
template <int K>
Twist TwistOf(Eigen::Index m) {
  const Eigen::Index s = std::max<Eigen::Index>(0, (m - K) / 2);
  return {s, std::min<Eigen::Index>(m, s + K)};
}

// Bottom pivot p of the twisted factorization: rows p−1..p−K above it.
template <int K>
inline bool BottomPivot(double* band, Eigen::Index p) {
  constexpr std::int64_t w = K + 1;
  if (!SafePivot(band + p * w)) return false;
  const double inv = 1.0 / band[p * w];
  double u[K];
  for (int i = 1; i <= K; ++i) u[i - 1] = band[(p - i) * w + i];  // M(p, p − i)
  for (int i = 1; i <= K; ++i) {
    const double f = u[i - 1] * inv;
    for (int q = i; q <= K; ++q) band[(p - q) * w + (q - i)] -= f * u[q - 1];  // M(p−i, p−q)
  }
  for (int i = 1; i <= K; ++i) band[(p - i) * w + i] = u[i - 1] * inv;
  return true;
}

// The ends of the twisted factorization: top pivots [0, s) (Top) and the bottom pivots
// m−1 down to m − nb_far (Bottom), side by side in one loop when both.
template <int K, bool Top, bool Bottom>
bool FactorEnds(double* band, Eigen::Index m, Eigen::Index s, Eigen::Index nb_far) {
  constexpr std::int64_t w = K + 1;
  const Eigen::Index steps = Top && Bottom ? std::max(s, nb_far) : Top ? s : nb_far;
  for (Eigen::Index t = 0; t < steps; ++t) {
    if (Top && t < s && !Pivot<K>(band + t * w, w, K)) return false;  // top pivot t: rows t+1..t+K below it
    if (Bottom && t < nb_far && !BottomPivot<K>(band, m - 1 - t)) return false;
  }
  return true;
}

template <int K>
bool TwistedFactorBand(double* band, Eigen::Index m, int, Team* team) {
  constexpr std::int64_t w = K + 1;
  const Twist tw = TwistOf<K>(m);
  const Eigen::Index nb = m - tw.mid_end;
  // The top pivots [0, s) touch rows up to s − 1 + K; the bottom pivots below the last K of
  // them touch rows from mid_end on. The two ends share no entry, so they run side by side
  // (in one loop, or on two threads), and the K bottom pivots that update the middle rows
  // follow: every entry sees the same operations in the same order either way.
  const Eigen::Index nb_far = std::max<Eigen::Index>(0, nb - K);
  if (team != nullptr && team->threaded()) {
    bool ok[2] = {true, true};
    team->Run([&](int h) {
      ok[h] = h == 0 ? FactorEnds<K, true, false>(band, m, tw.s, nb_far) : FactorEnds<K, false, true>(band, m, tw.s, nb_far);
    });
    if (!ok[0] || !ok[1]) return false;
  } else if (!FactorEnds<K, true, true>(band, m, tw.s, nb_far)) {
    return false;
  }
  for (Eigen::Index t = nb_far; t < nb; ++t) {
    if (!BottomPivot<K>(band, m - 1 - t)) return false;
  }
  for (Eigen::Index j = tw.s; j < tw.mid_end; ++j) {  // the middle: its own rows only
    if (!Pivot<0>(band + j * w, w, static_cast<int>(tw.mid_end - 1 - j))) return false;
  }
  return true;
}

// One sweep of the twisted solve over the ends (Top: the top pivots [0, s), Bottom: the
// bottom ones [me, m)), each a chain over its own entries of v with its last K results in
// registers; the ends share nothing until the middle. Forward: top[i] = z(j − 1 − i),
// bot[i] = z(p + 1 + i). Backward (after the middle): top[i] = y(j + 1 + i), bot[i] =
// y(p − 1 − i), starting from the middle's ends.
template <int K, bool Forward, bool Top, bool Bottom>
void SolveEnds(const double* band, Eigen::Index m, Eigen::Index s, Eigen::Index me, double* v) {
  constexpr std::int64_t w = K + 1;
  const Eigen::Index nb = m - me;
  double top[K] = {}, bot[K] = {};
  if constexpr (!Forward) {
    for (int i = 0; i < K; ++i) {
      top[i] = s + i < m ? v[s + i] : 0.0;
      bot[i] = me - 1 - i >= 0 ? v[me - 1 - i] : 0.0;
    }
  }
  const Eigen::Index steps = Top && Bottom ? std::max(s, nb) : Top ? s : nb;
  for (Eigen::Index t = 0; t < steps; ++t) {
    if (Top && t < s) {
      const Eigen::Index j = Forward ? t : s - 1 - t;
      const double* cj = band + j * w;
      double x = Forward ? v[j] : v[j] / cj[0];
      for (int i = K; i >= 1; --i) x -= (Forward ? band[(j - i) * w + i] : cj[i]) * top[i - 1];
      for (int i = K - 1; i >= 1; --i) top[i] = top[i - 1];
      top[0] = x;
      v[j] = x;
    }
    if (Bottom && t < nb) {
      const Eigen::Index p = Forward ? m - 1 - t : me + t;
      double x = Forward ? v[p] : v[p] / band[p * w];
      for (int i = K; i >= 1; --i) x -= (Forward ? band[p * w + i] : band[(p - i) * w + i]) * bot[i - 1];
      for (int i = K - 1; i >= 1; --i) bot[i] = bot[i - 1];
      bot[0] = x;
      v[p] = x;
    }
  }
}

// Both ends of one sweep: side by side in one loop, or on two threads.
template <int K, bool Forward>
void SolveBothEnds(const double* band, Eigen::Index m, Eigen::Index s, Eigen::Index me, double* v, Team* team) {
  if (team != nullptr && team->threaded()) {
    team->Run([&](int h) {
      if (h == 0) SolveEnds<K, Forward, true, false>(band, m, s, me, v);
      else SolveEnds<K, Forward, false, true>(band, m, s, me, v);
    });
  } else {
    SolveEnds<K, Forward, true, true>(band, m, s, me, v);
  }
}

// Solves with the twisted factors in place: forward through the elimination order (both
// ends, then the middle), backward through it reversed (the middle, then both ends).
template <int K>
void TwistedSolveBand(const double* band, Eigen::Index m, int, double* v, Team* team) {
  constexpr std::int64_t w = K + 1;
  const Twist tw = TwistOf<K>(m);
  const Eigen::Index s = tw.s, me = tw.mid_end;
  SolveBothEnds<K, true>(band, m, s, me, v, team);
  for (Eigen::Index r = s; r < me; ++r) {  // the middle: from top, bottom and earlier middle pivots
    double x = v[r];
    for (Eigen::Index j = std::max<Eigen::Index>(0, r - K); j < r; ++j) x -= band[j * w + (r - j)] * v[j];
    for (Eigen::Index q = me; q < std::min<Eigen::Index>(m, r + K + 1); ++q) x -= band[r * w + (q - r)] * v[q];
    v[r] = x;
  }
  for (Eigen::Index r = me - 1; r >= s; --r) {  // backward: the middle first
    double x = v[r] / band[r * w];
    for (Eigen::Index j = r + 1; j < me; ++j) x -= band[r * w + (j - r)] * v[j];
    v[r] = x;
  }
  SolveBothEnds<K, false>(band, m, s, me, v, team);
}

using FactorFn = bool (*)(double*, Eigen::Index, int, Team*);
using SolveFn = void (*)(const double*, Eigen::Index, int, double*, Team*);

template <int K>
void PickBand(int k, FactorFn* f, SolveFn* s) {
  if constexpr (K > 0) {
    if (k == K) {
      *f = &TwistedFactorBand<K>;
      *s = &TwistedSolveBand<K>;
      return;
    }
    PickBand<K - 1>(k, f, s);
  } else {
    *f = &FactorBand;
    *s = &SolveBand;
  }
}

// Visits the columns list[t] (or t itself without a list) for t in [t0, t1): the form in
// which Halves hands over a half's columns (OwnSpan, BetweenSpan).
template <bool kList, class Body>
inline void ForColumns(const int* list, Eigen::Index t0, Eigen::Index t1, Body&& body) {
  for (Eigen::Index t = t0; t < t1; ++t) body(kList ? static_cast<Eigen::Index>(list[t]) : t);
}

// A's compressed columns as plain pointers (the loops below keep them in registers).
struct CscView {
  const int* outer;
  const int* inner;
  const double* val;
  explicit CscView(const SparseMatrix& A) : outer(A.outerIndexPtr()), inner(A.innerIndexPtr()), val(A.valuePtr()) {}
};

// Those columns of A H⁻¹ Aᵀ into the band (slot of entry (r, q) with r ≥ q: r·(k+1) − r + q,
// k + 1 = w).
template <bool kList>
void AssembleColumns(const CscView a, const double* hinv, std::int64_t w, double* band, const int* list,
                     Eigen::Index t0, Eigen::Index t1) {
  ForColumns<kList>(list, t0, t1, [=](Eigen::Index j) {
    const double h = hinv[j];
    for (int p = a.outer[j]; p < a.outer[j + 1]; ++p) {
      const double ap = a.val[p] * h;
      const std::int64_t base = static_cast<std::int64_t>(a.inner[p]) * w - a.inner[p];
      for (int q = p; q < a.outer[j + 1]; ++q) band[base + a.inner[q]] += ap * a.val[q];
    }
  });
}

// v −= those columns of A H⁻¹ rx.
template <bool kList>
void ScatterColumns(const CscView a, const double* hinv, const double* rx, double* v, const int* list,
                    Eigen::Index t0, Eigen::Index t1) {
  ForColumns<kList>(list, t0, t1, [=](Eigen::Index j) {
    const double hr = hinv[j] * rx[j];
    for (int p = a.outer[j]; p < a.outer[j + 1]; ++p) v[a.inner[p]] -= a.val[p] * hr;
  });
}

// Normal equations M = A H⁻¹ Aᵀ + δI in lower band storage, assembled straight from A's
// compressed columns (entry pairs of each column → band slots; row indices are sorted, so
// slot = (lower row)·(k+1) + distance) and factored by band LDLᵀ in O(m·k²). With halves
// on a team, each pass runs by halves: a half's own columns write only its own band rows
// and entries of v, and the columns between the halves follow on the calling thread.
class BandedKkt final : public KktSolver {
 public:
  BandedKkt(const SparseMatrix& A, const SparseMatrix& Q, int k, const Halves* halves, Team* team)
      : A_(A), n_(A.cols()), m_(A.rows()), k_(k), w_(k + 1), whole_(Halves::Whole(n_, m_)),
        halves_(halves != nullptr ? *halves : whole_), team_(halves != nullptr ? team : nullptr) {
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
    double* band = band_.data() + k_ * w_;
    const double* q = q_diag_.size() > 0 ? q_diag_.data() : nullptr;
    RunHalves([&](int h) {
      // This half's band rows (and the padding rows beyond its outer end) start at δ on the diagonal.
      const Eigen::Index r0 = h == 0 ? -k_ : halves_.rs, r1 = h == 0 ? halves_.rs : m_ + k_;
      std::fill(band + r0 * w_, band + r1 * w_, 0.0);
      for (Eigen::Index i = halves_.row_begin(h); i < halves_.row_end(h); ++i) band[i * w_] = params::kDualReg;
      // H⁻¹ first, in a loop of its own that vectorizes (the divisions then overlap instead
      // of each holding up its column's updates).
      double* hinv = hinv_.data();
      const Eigen::Index c0 = halves_.col_begin(h), c1 = halves_.col_end(h);
      if (q != nullptr) {
#pragma omp simd
        for (Eigen::Index j = c0; j < c1; ++j) hinv[j] = 1.0 / (q[j] + d[j] + params::kPrimalReg);
      } else {
#pragma omp simd
        for (Eigen::Index j = c0; j < c1; ++j) hinv[j] = 1.0 / (d[j] + params::kPrimalReg);
      }
    });
    // (H⁻¹ of every column is in place before any is assembled.)
    auto assemble = [&](const int* list, Eigen::Index t0, Eigen::Index t1) {
      if (list != nullptr) AssembleColumns<true>(CscView(A_), hinv_.data(), w_, band, list, t0, t1);
      else AssembleColumns<false>(CscView(A_), hinv_.data(), w_, band, list, t0, t1);
    };
    RunHalves([&](int h) { halves_.OwnSpan(h, assemble); });
    halves_.BetweenSpan(assemble);
    return factor_(band, m_, k_, team_);
  }

  void SolveThen(const Eigen::VectorXd& rx, const Eigen::VectorXd& ry, Eigen::VectorXd* dx, Eigen::VectorXd* dy,
                 const std::function<void(int)>* then) const override {
    // H dx − Aᵀ dy = rx, A dx + δ dy = ry  ⇒  (A H⁻¹ Aᵀ + δ) dy = ry − A H⁻¹ rx.
    double* v = work_y_.data();
    auto scatter = [&](const int* list, Eigen::Index t0, Eigen::Index t1) {
      if (list != nullptr) ScatterColumns<true>(CscView(A_), hinv_.data(), rx.data(), v, list, t0, t1);
      else ScatterColumns<false>(CscView(A_), hinv_.data(), rx.data(), v, list, t0, t1);
    };
    RunHalves([&](int h) {
      for (Eigen::Index i = halves_.row_begin(h); i < halves_.row_end(h); ++i) v[i] = ry[i];
      halves_.OwnSpan(h, scatter);
    });
    halves_.BetweenSpan(scatter);
    solve_(band_.data() + k_ * w_, m_, k_, v, team_);
    dy->resize(m_);
    dx->resize(n_);
    RunHalves([&](int h) {
      double* const y = dy->data();
      for (Eigen::Index i = halves_.row_begin(h); i < halves_.row_end(h); ++i) y[i] = v[i];
      const CscView a(A_);
      const double* hinv = hinv_.data();
      const double* r = rx.data();
      const double* const vv = v;  // (a local copy: the captured one is reloaded after every store)
      double* const x = dx->data();
      const Eigen::Index j1 = halves_.col_end(h);
      for (Eigen::Index j = halves_.col_begin(h); j < j1; ++j) {  // dx = H⁻¹ (rx + Aᵀ dy)
        double s = 0.0;
        for (int p = a.outer[j]; p < a.outer[j + 1]; ++p) s += a.val[p] * vv[a.inner[p]];
        x[j] = hinv[j] * (r[j] + s);
      }
      if (then != nullptr) (*then)(h);
    });
  }

 private:
  template <class F>
  void RunHalves(F&& f) const {
    if (team_ != nullptr) {
      team_->Run(f);
    } else {
      f(0);
      f(1);
    }
  }

  const SparseMatrix& A_;
  Eigen::Index n_, m_;
  int k_;
  std::int64_t w_;
  Halves whole_;
  const Halves& halves_;
  Team* team_;
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
  // Row indices are sorted within a column: its span is its last row minus its first.
  const int* outer = A.outerIndexPtr();
  const int* inner = A.innerIndexPtr();
  const int* counts = A.innerNonZeroPtr();  // (uncompressed storage only)
  int k = 0;
  for (Eigen::Index j = 0; j < A.outerSize(); ++j) {
    const int begin = outer[j], end = counts ? begin + counts[j] : outer[j + 1];
    if (end > begin) k = std::max(k, inner[end - 1] - inner[begin]);
  }
  return k;
}

Halves SplitInTime(const SparseMatrix& A) {
  const Eigen::Index n = A.cols(), m = A.rows();
  if (n < params::kSplitColumns || m < 2) return Halves::Whole(n, m);
  const int* outer = A.outerIndexPtr();
  const int* inner = A.innerIndexPtr();
  Halves h;
  h.n = n;
  h.m = m;
  h.jc = n / 2;
  h.rs = m / 2;
  const int rs = static_cast<int>(h.rs);
  for (Eigen::Index j = 0; j < n; ++j) {  // row indices are sorted within a column
    const int b = outer[j], e = outer[j + 1];
    if (e == b || inner[e - 1] < rs) h.own[0].push_back(static_cast<int>(j));
    else if (inner[b] >= rs) h.own[1].push_back(static_cast<int>(j));
    else h.between.push_back(static_cast<int>(j));
  }
  if (static_cast<Eigen::Index>(h.between.size()) > n / 16) return Halves::Whole(n, m);
  h.split = true;
  return h;
}

std::unique_ptr<KktSolver> MakeKktSolver(LinearSolver which, const SparseMatrix& A, const SparseMatrix& Q, int bandwidth,
                                         const Halves* halves, Team* team) {
  if (which == LinearSolver::kBanded) {
    if (Q.nonZeros() > 0 && !IsDiagonal(Q)) return nullptr;
    return std::make_unique<BandedKkt>(A, Q, bandwidth >= 0 ? bandwidth : NormalBandwidth(A), halves, team);
  }
  return std::make_unique<AugmentedKkt>(A, Q);
}

}  // namespace essim::opt
