#include "sim/opt/solver.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/opt/kkt.h"
#include "sim/opt/parameters.h"

namespace essim::opt {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double NormInf(const Eigen::VectorXd& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; }

// The problem in the form the iterations work on: equality rows A x = b over the original
// non-fixed columns followed by one slack per inequality row; bounds on every column.
struct Internal {
  SparseMatrix A, Q;
  Eigen::VectorXd b, c, lo, hi;
  Eigen::VectorXd row_scale, col_scale;   // A_int = R A_ext C
  double obj_scale = 1.0;                 // c_int = obj_scale · C c_ext
  std::vector<int> col_of_var;            // original var -> internal column (−1 fixed)
  std::vector<int> slack_of_row;          // original row -> slack column (−1 equality/free)
  std::vector<int> row_of;                // original row -> internal row (−1: free or redundant, dropped)
  double offset = 0.0;                    // objective constant from fixed columns
  Eigen::VectorXd fixed_value;            // per original var (NaN if not fixed)
  // Zero-cost column singletons (a column with no cost, no Q term and one entry) leave the
  // problem: their row's range absorbs their bounds, and Postsolve sets them afterwards.
  struct Singleton {
    int var, row;
    double a;
  };
  std::vector<Singleton> elim;            // in column order
  std::vector<char> is_elim;              // per original var
  // Forcing rows (dropped; their columns fixed at the bounds that give the row's extreme
  // activity): row, +1 when its least activity meets its upper bound (−1: greatest, lower),
  // and the columns it fixed, [first, next first) into forced_var / forced_a.
  struct Forcing {
    int row, side, first;
  };
  std::vector<Forcing> forcing;
  std::vector<int> forced_var;
  std::vector<double> forced_a;
};

// The power of two nearest 1/√m: one Ruiz step for a row or column of infinity norm m,
// 1 once m is in [1/2, 2) (and for an empty one, or m not positive and finite).
// e = ⌊log2 m⌋ from the exponent bits (subnormal norms count as 2^−1023); the result
// 2^−⌊(e+1)/2⌋ is built from its exponent bits too, and the test is a select: no branch
// and no libm call, so the loops over every row and column below vectorize.
inline double Pow2Equilibrator(double m) {
  const auto bits = std::bit_cast<std::uint64_t>(m);
  const auto biased = static_cast<std::int64_t>((bits >> 52) & 0x7ff);
  const std::int64_t k = -((biased - 1023 + 1) >> 1);  // arithmetic shift: ⌊(e+1)/2⌋ for negative e too
  const double r = std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
  const bool usable = static_cast<std::int64_t>(bits) > 0 && biased != 0x7ff;  // m > 0 and finite
  return usable ? r : 1.0;
}

// (Aᵀy)_j: column j of A times y, its entries in order from 0.0, as Eigen's product sums
// it (compressed or not).
inline double ColumnDot(const SparseMatrix& A, Eigen::Index j, const double* y) {
  const int* outer = A.outerIndexPtr();
  const int* inner = A.innerIndexPtr();
  const double* val = A.valuePtr();
  const int* counts = A.innerNonZeroPtr();  // (uncompressed storage only)
  const int end = counts ? outer[j] + counts[j] : outer[j + 1];
  double s = 0.0;
  for (int q = outer[j]; q < end; ++q) s += val[q] * y[inner[q]];
  return s;
}

// f = Pow2Equilibrator(m) entry by entry; whether any factor differs from 1.
bool Pow2Factors(const double* m, double* f, Eigen::Index n) {
  int changed = 0;
#pragma omp simd reduction(| : changed)
  for (Eigen::Index i = 0; i < n; ++i) {
    const double v = Pow2Equilibrator(m[i]);
    f[i] = v;
    changed |= v != 1.0;
  }
  return changed != 0;
}

Internal Build(const Problem& p, bool scale) {
  Internal in;
  const Eigen::Index n = p.num_vars(), m = p.num_rows();
  // A's compressed columns, read through raw pointers in every pass below.
  SparseMatrix a_copy;
  const SparseMatrix* src = &p.A;
  if (!p.A.isCompressed()) {
    a_copy = p.A;
    a_copy.makeCompressed();
    src = &a_copy;
  }
  const int* so = src->outerIndexPtr();
  const int* si = src->innerIndexPtr();
  const double* sv = src->valuePtr();
  const double* x_lo = p.x_lo.data();
  const double* x_hi = p.x_hi.data();
  const double* cost = p.c.data();
  const bool qp = p.Q.nonZeros() > 0;
  in.col_of_var.assign(static_cast<std::size_t>(n), -1);
  in.fixed_value = Eigen::VectorXd::Constant(n, std::nan(""));
  // Columns with a Q term are never eliminated.
  std::vector<char> in_q;
  if (qp) {
    in_q.assign(static_cast<std::size_t>(n), 0);
    for (Eigen::Index j = 0; j < p.Q.outerSize(); ++j)
      for (SparseMatrix::InnerIterator e(p.Q, j); e; ++e)
        if (e.value() != 0.0) in_q[static_cast<std::size_t>(j)] = in_q[static_cast<std::size_t>(e.row())] = 1;
  }
  // One pass over the columns finds the fixed columns and the zero-cost column singletons,
  // and sums each row's activity range over the other columns' bounds (fixed columns at
  // their value) and the fixed columns' constant part A x_f (and c·x_f).
  //
  // Singletons: a column with no cost, no Q term and one entry leaves the problem. Row
  // bounds after it is taken out: l ≤ a·x + a_s·x_s ≤ u with x_s free of cost in
  // [l_s, u_s] holds for some x_s iff l − max(a_s·x_s) ≤ a·x ≤ u − min(a_s·x_s).
  // (In the storage problem, curtailment, export and import leave the node balance, which
  // becomes a range on the station's net power, often redundant and then dropped.)
  Eigen::VectorXd rlo = p.row_lo, rhi = p.row_hi;
  in.is_elim.assign(static_cast<std::size_t>(n), 0);
  Eigen::VectorXd act_lo = Eigen::VectorXd::Zero(m), act_hi = Eigen::VectorXd::Zero(m);
  // Column j's share of its rows' activity ranges, over x_j in [lo, hi].
  auto add_activity = [&](Eigen::Index j, double lo, double hi) {
    for (int q = so[j]; q < so[j + 1]; ++q) {
      const double a = sv[q];
      if (a == 0.0) continue;
      act_lo[si[q]] += a * (a > 0 ? lo : hi);
      act_hi[si[q]] += a * (a > 0 ? hi : lo);
    }
  };
  Eigen::VectorXd ax_fixed = Eigen::VectorXd::Zero(m);
  double fixed_cost = 0.0;
  int kept = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double lo = x_lo[j], hi = x_hi[j];
    const double w = hi - lo;
    if (std::isfinite(w) && w <= 1e-12 * std::max(1.0, std::abs(lo))) {
      const double v = 0.5 * (lo + hi);
      in.fixed_value[j] = v;
      add_activity(j, v, v);
      if (v != 0.0) {
        fixed_cost += cost[j] * v;
        for (int q = so[j]; q < so[j + 1]; ++q) ax_fixed[si[q]] += sv[q] * v;
      }
      continue;
    }
    if (cost[j] == 0.0 && !(qp && in_q[static_cast<std::size_t>(j)])) {
      int entries = 0, row = -1;
      double a = 0.0;
      for (int q = so[j]; q < so[j + 1] && entries < 2; ++q) {
        if (sv[q] == 0.0) continue;
        ++entries;
        row = si[q];
        a = sv[q];
      }
      if (entries == 1) {
        rlo[row] -= a > 0 ? a * hi : a * lo;
        rhi[row] -= a > 0 ? a * lo : a * hi;
        in.elim.push_back({static_cast<int>(j), row, a});
        in.is_elim[static_cast<std::size_t>(j)] = 1;
        continue;
      }
    }
    ++kept;
    add_activity(j, lo, hi);
  }
  in.slack_of_row.assign(static_cast<std::size_t>(m), -1);
  in.row_of.assign(static_cast<std::size_t>(m), 0);
  // The range of each row's activity over the columns' bounds afresh (after forcing rows
  // fixed more columns), in the same column order as the pass above.
  auto activity_range = [&]() {
    act_lo.setZero();
    act_hi.setZero();
    for (Eigen::Index j = 0; j < n; ++j) {
      if (in.is_elim[static_cast<std::size_t>(j)]) continue;
      const bool fixed = !std::isnan(in.fixed_value[j]);
      add_activity(j, fixed ? in.fixed_value[j] : x_lo[j], fixed ? in.fixed_value[j] : x_hi[j]);
    }
  };
  // Forcing rows: when the bounds put a row's least activity at its upper bound (or its
  // greatest at its lower), every free column in it must sit at the bound that gives that
  // activity. Those columns become fixed and the row is dropped; RowDuals gives it the
  // dual that keeps their reduced costs of the right sign. (In the storage problem: no
  // export room while PV fills the export limit holds discharge at zero.) Rows with an
  // eliminated singleton or a Q column are left alone, and so are two rows that would
  // hold a column at different bounds.
  {
    std::vector<signed char> side(static_cast<std::size_t>(m), 0);
    int candidates = 0;
    for (Eigen::Index i = 0; i < m; ++i) {
      const double tol_hi = 1e-9 * (1.0 + std::abs(rhi[i])), tol_lo = 1e-9 * (1.0 + std::abs(rlo[i]));
      if (std::isfinite(rhi[i]) && std::isfinite(act_lo[i]) && std::abs(act_lo[i] - rhi[i]) <= tol_hi) side[static_cast<std::size_t>(i)] = 1;
      else if (std::isfinite(rlo[i]) && std::isfinite(act_hi[i]) && std::abs(act_hi[i] - rlo[i]) <= tol_lo) side[static_cast<std::size_t>(i)] = -1;
      candidates += side[static_cast<std::size_t>(i)] != 0;
    }
    for (const auto& e : in.elim) side[static_cast<std::size_t>(e.row)] = 0;
    // One pass in column order settles every conflict where it is met (clearing sides
    // never creates one, so the columns already passed stay settled); a second pass then
    // takes the targets afresh from the rows left. (Restarting the scan at each conflict
    // gave the same rows at O(conflicts · n): 0.6 s on a year-long QP.)
    std::vector<double> target;  // per column: the bound a forcing row holds it at (NaN: none)
    for (bool conflict = candidates > 0; conflict;) {
      conflict = false;
      target.assign(static_cast<std::size_t>(n), std::nan(""));
      for (Eigen::Index j = 0; j < n; ++j) {
        if (in.is_elim[static_cast<std::size_t>(j)] || !std::isnan(in.fixed_value[j])) continue;
        for (SparseMatrix::InnerIterator e(p.A, j); e; ++e) {
          const int sd = side[static_cast<std::size_t>(e.row())];
          if (sd == 0 || e.value() == 0.0) continue;
          if (qp && in_q[static_cast<std::size_t>(j)]) {  // a Q column is never fixed: its rows are left alone
            side[static_cast<std::size_t>(e.row())] = 0;
            conflict = true;
            continue;
          }
          const double t = (sd > 0) == (e.value() > 0) ? p.x_lo[j] : p.x_hi[j];
          double& tj = target[static_cast<std::size_t>(j)];
          if (!std::isnan(tj) && tj != t) {  // held at both bounds: leave both rows alone
            for (SparseMatrix::InnerIterator f(p.A, j); f; ++f) side[static_cast<std::size_t>(f.row())] = 0;
            conflict = true;
            break;
          }
          tj = t;
        }
      }
    }
    for (Eigen::Index i = 0; i < m && candidates > 0; ++i) {
      if (side[static_cast<std::size_t>(i)] != 0) in.forcing.push_back({static_cast<int>(i), side[static_cast<std::size_t>(i)], 0});
    }
    if (!in.forcing.empty()) {
      // The columns each forcing row holds, grouped by row (a counting sort: one pass over
      // the columns to count, one to place).
      std::vector<int> slot(static_cast<std::size_t>(m), -1), next(in.forcing.size() + 1, 0);
      for (std::size_t f = 0; f < in.forcing.size(); ++f) slot[static_cast<std::size_t>(in.forcing[f].row)] = static_cast<int>(f);
      auto for_each_held = [&](auto&& visit) {
        for (Eigen::Index j = 0; j < n; ++j) {
          if (std::isnan(target[static_cast<std::size_t>(j)])) continue;
          for (SparseMatrix::InnerIterator e(p.A, j); e; ++e) {
            const int f = slot[static_cast<std::size_t>(e.row())];
            if (f >= 0 && e.value() != 0.0) visit(static_cast<std::size_t>(f), static_cast<int>(j), e.value());
          }
        }
      };
      for_each_held([&](std::size_t f, int, double) { ++next[f + 1]; });
      for (std::size_t f = 0; f < in.forcing.size(); ++f) {
        next[f + 1] += next[f];
        in.forcing[f].first = next[f];
      }
      in.forced_var.resize(static_cast<std::size_t>(next.back()));
      in.forced_a.resize(static_cast<std::size_t>(next.back()));
      for_each_held([&](std::size_t f, int j, double a) {
        const auto at = static_cast<std::size_t>(next[f]++);
        in.forced_var[at] = j;
        in.forced_a[at] = a;
      });
      for (Eigen::Index j = 0; j < n; ++j) {
        if (std::isnan(target[static_cast<std::size_t>(j)])) continue;
        in.fixed_value[j] = target[static_cast<std::size_t>(j)];
        --kept;
      }
      for (const auto& f : in.forcing) in.row_of[static_cast<std::size_t>(f.row)] = -1;
      activity_range();  // the fixed columns narrow other rows' ranges
    }
  }
  const int ncol = kept;  // the columns left, numbered in order when A is copied below
  // Redundant inequality rows: when the variables' bounds alone keep a row's activity
  // within its bounds, the row can never bind; it is dropped like a free row (dual 0).
  // In the storage problem most export-room rows are such (the room exceeds the power).
  int nslack = 0;
  for (Eigen::Index i = 0; i < m; ++i) {
    if (in.row_of[static_cast<std::size_t>(i)] < 0) continue;  // a forcing row
    const bool equality = rlo[i] == rhi[i];
    // Weakly redundant rows too (the bounds reach the row's bound but never pass it, as a
    // node balance whose import limit is also a bound on the charge): within 1e-9 relative,
    // for the rounding of the activity sums; a solution then keeps the row to that, far
    // inside the solver's tolerance.
    const bool lo_holds = !std::isfinite(rlo[i]) || act_lo[i] >= rlo[i] - 1e-9 * (1.0 + std::abs(rlo[i]));
    const bool hi_holds = !std::isfinite(rhi[i]) || act_hi[i] <= rhi[i] + 1e-9 * (1.0 + std::abs(rhi[i]));
    const bool redundant = !equality && lo_holds && hi_holds;
    if ((!std::isfinite(rlo[i]) && !std::isfinite(rhi[i])) || redundant) in.row_of[static_cast<std::size_t>(i)] = -1;
    else if (!equality) in.slack_of_row[static_cast<std::size_t>(i)] = ncol + nslack++;
  }
  // The kept rows, renumbered: dropped rows leave no empty row in the KKT system.
  int mi = 0;
  for (int& r : in.row_of) if (r >= 0) r = mi++;
  const int nt = ncol + nslack;
  // Constant contributions of fixed columns: A x_f moves to b, c_f x_f and Q terms to the
  // objective. The first pass summed them for the columns it fixed; after forcing rows
  // fixed more, and for a QP (Q·x_f), they are summed again over every fixed column, in
  // column order as there.
  Eigen::VectorXd qx_fixed;
  in.offset = fixed_cost;
  if (qp || !in.forcing.empty()) {
    ax_fixed.setZero();
    if (qp) qx_fixed = Eigen::VectorXd::Zero(n);
    in.offset = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      const double v = in.fixed_value[j];
      if (std::isnan(v) || v == 0.0) continue;
      in.offset += cost[j] * v;
      for (int q = so[j]; q < so[j + 1]; ++q) ax_fixed[si[q]] += sv[q] * v;
      if (qp)
        for (SparseMatrix::InnerIterator e(p.Q, j); e; ++e) qx_fixed[e.row()] += e.value() * v;
    }
    for (Eigen::Index j = 0; qp && j < n; ++j)
      if (!std::isnan(in.fixed_value[j])) in.offset += 0.5 * in.fixed_value[j] * qx_fixed[j];
  }

  in.b = Eigen::VectorXd::Zero(mi);
  in.c = Eigen::VectorXd::Zero(nt);
  in.lo = Eigen::VectorXd::Zero(nt);
  in.hi = Eigen::VectorXd::Zero(nt);
  for (Eigen::Index i = 0; i < m; ++i) {
    const int s = in.slack_of_row[static_cast<std::size_t>(i)];
    if (s >= 0) {
      in.lo[s] = rlo[i] - ax_fixed[i];
      in.hi[s] = rhi[i] - ax_fixed[i];
    } else if (in.row_of[static_cast<std::size_t>(i)] >= 0) {
      in.b[in.row_of[static_cast<std::size_t>(i)]] = rlo[i] - ax_fixed[i];
    }
  }
  // The internal matrix in compressed columns directly (no triplets, no sort): the kept
  // original columns in order, numbered here, with their costs and bounds, then one −1
  // column per inequality row. The copy measures each row's and column's largest entry
  // for the first step of the equilibration below.
  Eigen::VectorXd rmax = Eigen::VectorXd::Zero(mi), cmax(nt);
  {
    in.A.resize(mi, nt);
    in.A.resizeNonZeros(src->nonZeros() + nslack);
    int* outer = in.A.outerIndexPtr();
    int* inner = in.A.innerIndexPtr();
    double* val = in.A.valuePtr();
    const int* row_of = in.row_of.data();
    int nz = 0, col = 0;
    outer[0] = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (in.is_elim[static_cast<std::size_t>(j)] || !std::isnan(in.fixed_value[j])) continue;
      in.col_of_var[static_cast<std::size_t>(j)] = col;
      in.c[col] = cost[j] + (qp ? qx_fixed[j] : 0.0);
      in.lo[col] = x_lo[j];
      in.hi[col] = x_hi[j];
      double cm = 0.0;
      for (int q = so[j]; q < so[j + 1]; ++q) {
        const int r = row_of[si[q]];
        const double v = sv[q];
        if (v == 0.0 || r < 0) continue;
        inner[nz] = r;
        val[nz++] = v;
        rmax[r] = std::max(rmax[r], std::abs(v));
        cm = std::max(cm, std::abs(v));
      }
      cmax[col] = cm;
      outer[++col] = nz;
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      if (in.slack_of_row[static_cast<std::size_t>(i)] < 0) continue;
      const int r = row_of[i];
      inner[nz] = r;
      val[nz++] = -1.0;
      rmax[r] = std::max(rmax[r], 1.0);
      cmax[col] = 1.0;
      outer[++col] = nz;
    }
    in.A.resizeNonZeros(nz);
  }
  in.Q.resize(nt, nt);
  if (qp) {
    std::vector<Eigen::Triplet<double>> tq;
    for (Eigen::Index j = 0; j < p.Q.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(p.Q, j); it; ++it) {
        const int r = in.col_of_var[static_cast<std::size_t>(it.row())], cc = in.col_of_var[static_cast<std::size_t>(j)];
        if (r >= 0 && cc >= 0 && it.value() != 0.0) tq.emplace_back(r, cc, it.value());
      }
    }
    if (!tq.empty()) in.Q.setFromTriplets(tq.begin(), tq.end());
  }

  // Ruiz equilibration: rows and columns of A towards unit infinity norm, by powers of two
  // (exact: no rounding enters A), until every norm is in [1/2, 2).
  in.row_scale = Eigen::VectorXd::Ones(mi);
  in.col_scale = Eigen::VectorXd::Ones(nt);
  if (scale) {
    // Each step takes factors from the maxima measured last (the first from the copy
    // above), then one sweep over the entries applies them and measures the new maxima.
    const int* outer = in.A.outerIndexPtr();
    const int* inner = in.A.innerIndexPtr();
    double* val = in.A.valuePtr();
    Eigen::VectorXd rfac(mi), cfac(nt);
    for (int pass = 1; pass <= params::kRuizPasses; ++pass) {
      const bool rows_changed = Pow2Factors(rmax.data(), rfac.data(), mi);
      if (!(Pow2Factors(cmax.data(), cfac.data(), nt) || rows_changed)) break;
      rmax.setZero();
      for (Eigen::Index j = 0; j < nt; ++j) {
        const double cf = cfac[j];
        double cm = 0.0;
        for (int q = outer[j]; q < outer[j + 1]; ++q) {
          const double v = val[q] * rfac[inner[q]] * cf;
          val[q] = v;
          rmax[inner[q]] = std::max(rmax[inner[q]], std::abs(v));
          cm = std::max(cm, std::abs(v));
        }
        cmax[j] = cm;
      }
      in.row_scale = in.row_scale.cwiseProduct(rfac);
      in.col_scale = in.col_scale.cwiseProduct(cfac);
    }
    in.b = in.b.cwiseProduct(in.row_scale);
    for (Eigen::Index j = 0; j < nt; ++j) {
      in.c[j] *= in.col_scale[j];
      in.lo[j] /= in.col_scale[j];
      in.hi[j] /= in.col_scale[j];
    }
    for (Eigen::Index j = 0; qp && j < in.Q.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(in.Q, j); it; ++it) it.valueRef() *= in.col_scale[it.row()] * in.col_scale[j];
    }
  }
  // Primal magnitude: the bounds and b brought to order 1 by one power of two β (x = β·x',
  // folded into the column and row scales, so A is unchanged). The storage problem's
  // bounds are hundreds of MW and MWh against duals of order 1; balanced, the year LP takes
  // 22 iterations instead of 25.
  if (scale) {
    double bmax = NormInf(in.b);
    for (Eigen::Index j = 0; j < nt; ++j) {
      if (std::isfinite(in.lo[j])) bmax = std::max(bmax, std::abs(in.lo[j]));
      if (std::isfinite(in.hi[j])) bmax = std::max(bmax, std::abs(in.hi[j]));
    }
    const double beta = 1.0 / Pow2Equilibrator(bmax * bmax);  // the power of two nearest bmax
    if (beta != 1.0) {
      in.b /= beta;
      in.lo /= beta;
      in.hi /= beta;
      in.c *= beta;
      if (qp) in.Q *= beta * beta;
      in.row_scale /= beta;
      in.col_scale *= beta;
    }
  }
  double cq = NormInf(in.c);
  for (Eigen::Index j = 0; qp && j < in.Q.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(in.Q, j); it; ++it) cq = std::max(cq, std::abs(it.value()));
  in.obj_scale = cq > 1.0 ? 1.0 / cq : 1.0;
  in.c *= in.obj_scale;
  if (qp) {
    in.Q *= in.obj_scale;
    in.Q.makeCompressed();
  }
  return in;
}

// The original variables from internal columns: scaled back, fixed ones at their value, and
// the eliminated singletons set so that their rows hold — each starts at its bound nearest
// zero, and the row's shortfall is taken up by them in column order within their bounds.
Eigen::VectorXd Postsolve(const Problem& p, const Internal& in, const Eigen::VectorXd& xi) {
  const Eigen::Index n0 = p.num_vars();
  Eigen::VectorXd x(n0);
  // Every column's value in one pass (the singletons at their bound nearest zero for now),
  // and with singletons, each row's activity at those values, in column order.
  const bool singletons = !in.elim.empty();
  Eigen::VectorXd need;  // row activity, then the shortfall
  if (singletons) need = Eigen::VectorXd::Zero(p.num_rows());
  const int* outer = p.A.outerIndexPtr();
  const int* inner = p.A.innerIndexPtr();
  const int* counts = p.A.innerNonZeroPtr();  // (uncompressed storage only)
  const double* val = p.A.valuePtr();
  for (Eigen::Index j = 0; j < n0; ++j) {
    const int col = in.col_of_var[static_cast<std::size_t>(j)];
    // (clipped: rounding in the iterations may leave x an ulp outside its bounds)
    const double v = col >= 0 ? std::clamp(xi[col] * in.col_scale[col], p.x_lo[j], p.x_hi[j])
                     : singletons && in.is_elim[static_cast<std::size_t>(j)] ? std::clamp(0.0, p.x_lo[j], p.x_hi[j])
                                                                            : in.fixed_value[j];
    x[j] = v;
    if (!singletons || v == 0.0) continue;
    const int end = counts ? outer[j] + counts[j] : outer[j + 1];
    for (int q = outer[j]; q < end; ++q) need[inner[q]] += val[q] * v;
  }
  if (!singletons) return x;
  std::vector<char> done(static_cast<std::size_t>(p.num_rows()), 0);
  for (const auto& e : in.elim) {
    if (done[static_cast<std::size_t>(e.row)]) continue;
    done[static_cast<std::size_t>(e.row)] = 1;
    need[e.row] = std::clamp(need[e.row], p.row_lo[e.row], p.row_hi[e.row]) - need[e.row];
  }
  for (const auto& e : in.elim) {
    double& r = need[e.row];
    if (r == 0.0) continue;
    const double v = std::clamp(x[e.var] + r / e.a, p.x_lo[e.var], p.x_hi[e.var]);
    r -= e.a * (v - x[e.var]);
    x[e.var] = v;
  }
  return x;
}

// Row duals in the original rows and units: the kept rows' from the iterate, 0 for the free
// and redundant ones, and for each forcing row the one closest to zero that leaves every
// column it fixed with a reduced cost of the right sign (z ≥ 0 at a lower bound, ≤ 0 at an
// upper): y ≤ min(0, c'_j/a_j) for a row at its upper bound, y ≥ max(0, c'_j/a_j) at its
// lower, with c'_j = c_j − Σ a_rj y_r over the other rows.
Eigen::VectorXd RowDuals(const Problem& p, const Internal& in, const Eigen::VectorXd& yi) {
  Eigen::VectorXd y(p.num_rows());
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const int r = in.row_of[static_cast<std::size_t>(i)];
    y[i] = r < 0 ? 0.0 : yi[r] * in.row_scale[r] / in.obj_scale;
  }
  for (std::size_t f = 0; f < in.forcing.size(); ++f) {
    const auto& row = in.forcing[f];
    const int end = f + 1 < in.forcing.size() ? in.forcing[f + 1].first : static_cast<int>(in.forced_var.size());
    double dual = 0.0;
    for (int q = row.first; q < end; ++q) {
      const int j = in.forced_var[static_cast<std::size_t>(q)];
      double reduced = p.c[j];
      for (SparseMatrix::InnerIterator e(p.A, j); e; ++e) reduced -= e.value() * y[e.row()];
      const double ratio = reduced / in.forced_a[static_cast<std::size_t>(q)];
      dual = row.side > 0 ? std::min(dual, ratio) : std::max(dual, ratio);
    }
    y[row.row] = dual;
  }
  return y;
}

struct Iterate {
  Eigen::VectorXd x, y, zl, zu, wl, wu;
};

// Partial sums and maxima of the iteration's first column pass, per half.
struct Sums {
  double dr = 0.0, po = 0.0, dob = 0.0, comp = 0.0, big = 0.0, dr_lag = 0.0, dob_lag = 0.0;
};

// std::max and std::min by value, with their results: GCC does not vectorize the omp simd
// reductions of the element pass through the references std::max takes.
inline double MaxOf(double a, double b) { return a < b ? b : a; }
inline double MinOf(double a, double b) { return b < a ? b : a; }

// Raw views of the per-column arrays of the iterations. The passes below copy them into
// local pointers first: GCC vectorizes none of their loops that loads a pointer through a
// lambda's captures or an aggregate in memory.
struct ColumnArrays {
  double *x, *wl, *wu, *zl, *zu, *rx, *dx, *dzl, *dzu, *iwl, *iwu, *izl, *izu, *d;
  const double *c, *lo, *hi, *ml, *mh, *ic;
};

// Columns [j0, j1) at the top of an iteration, after the scatter pass left rx = c + Qx − Aᵀy:
// the previous step of w and z, the measures, the scaling d = z_l/w_l + z_u/w_u, the
// inverses of w and z, and the predictor's right-hand side rx = −rd + rc_l/w_l − rc_u/w_u
// with the affine rc = −w·z.
Sums ElementPass(const ColumnArrays& a, Eigen::Index j0, Eigen::Index j1, double step_p, double step_d) {
  double *const x = a.x, *const wl = a.wl, *const wu = a.wu, *const zl = a.zl, *const zu = a.zu,
      *const rx = a.rx, *const dx = a.dx, *const dzl = a.dzl, *const dzu = a.dzu, *const iwl = a.iwl,
      *const iwu = a.iwu, *const izl = a.izl, *const izu = a.izu, *const d = a.d;
  const double *const c = a.c, *const lo = a.lo, *const hi = a.hi, *const ml = a.ml, *const mh = a.mh, *const ic = a.ic;
  double dr = 0.0, po = 0.0, dob = 0.0, comp = 0.0, big = 0.0, dr_lag = 0.0, dob_lag = 0.0;
#pragma omp simd reduction(max : dr, big, dr_lag) reduction(+ : po, dob, comp, dob_lag)
  for (Eigen::Index j = j0; j < j1; ++j) {
    const double step = step_p * dx[j];
    const double rxj = rx[j];  // (read once, before the stores: a masked reload does not vectorize)
    const double wlj = wl[j] + ml[j] * step, wuj = wu[j] - mh[j] * step;
    const double zlj = zl[j] + step_d * dzl[j], zuj = zu[j] + step_d * dzu[j];
    wl[j] = wlj;
    wu[j] = wuj;
    zl[j] = zlj;
    zu[j] = zuj;
    const double xj = x[j];
    const double rdj = rxj - zlj + zuj;
    // The Lagrangian bound's terms (see SolveOnce): r = rx[j] onto the bounds that exist.
    const double r_pos = MaxOf(rxj, 0.0), r_neg = MinOf(rxj, 0.0);
    dob_lag += lo[j] * r_pos + hi[j] * r_neg;
    dr_lag = MaxOf(dr_lag, ((1.0 - ml[j]) * r_pos - (1.0 - mh[j]) * r_neg) * ic[j]);
    dr = MaxOf(dr, std::abs(rdj) * ic[j]);
    po += c[j] * xj;
    dob += lo[j] * zlj - hi[j] * zuj;
    comp += wlj * zlj + wuj * zuj;
    big = MaxOf(big, MaxOf(std::abs(xj), MaxOf(zlj, zuj)));
    // Two divisions for the four inverses: 1/w_l = w_u/(w_l·w_u), and likewise for z (a
    // missing bound's z reads 1 here: its inverse is masked to 0, not 0/0).
    const double rw = 1.0 / (wlj * wuj);
    const double zl1 = zlj + (1.0 - ml[j]), zu1 = zuj + (1.0 - mh[j]);
    const double rz = 1.0 / (zl1 * zu1);
    const double il = ml[j] * wuj * rw, iu = mh[j] * wlj * rw;
    iwl[j] = il;
    iwu[j] = iu;
    izl[j] = ml[j] * zu1 * rz;
    izu[j] = mh[j] * zl1 * rz;
    d[j] = zlj * il + zuj * iu;
    rx[j] = -rdj - zlj + zuj;
  }
  return {dr, po, dob, comp, big, dr_lag, dob_lag};
}

// Columns [j0, j1) after the predictor's solve: the affine dz in dzl/dzu, and into out the
// sums S1 = Σ dx·(z_l − z_u), S2 = Σ w·dz, S3 = Σ dx·(dz_l − dz_u) (μ after the step is
// (S0 + αp·S1 + αd·S2 + αp·αd·S3)/count) and the largest −dw/w and −dz/z (steps 1/max).
void PredictorPass(const ColumnArrays& a, Eigen::Index j0, Eigen::Index j1, double out[5]) {
  double *const wl = a.wl, *const wu = a.wu, *const zl = a.zl, *const zu = a.zu, *const dx = a.dx,
      *const dzl = a.dzl, *const dzu = a.dzu, *const iwl = a.iwl, *const iwu = a.iwu, *const izl = a.izl,
      *const izu = a.izu;
  double s1 = 0.0, s2 = 0.0, s3 = 0.0, rp_max = 1.0, rd_max = 1.0;
#pragma omp simd reduction(max : rp_max, rd_max) reduction(+ : s1, s2, s3)
  for (Eigen::Index j = j0; j < j1; ++j) {
    const double dxj = dx[j];
    const double dl = -zl[j] - zl[j] * dxj * iwl[j];
    const double du = -zu[j] + zu[j] * dxj * iwu[j];
    dzl[j] = dl;
    dzu[j] = du;
    rp_max = std::max(rp_max, std::max(-dxj * iwl[j], dxj * iwu[j]));
    rd_max = std::max(rd_max, std::max(-dl * izl[j], -du * izu[j]));
    s1 += dxj * (zl[j] - zu[j]);
    s2 += wl[j] * dl + wu[j] * du;
    s3 += dxj * (dl - du);
  }
  out[0] = s1;
  out[1] = s2;
  out[2] = s3;
  out[3] = rp_max;
  out[4] = rd_max;
}

// Columns [j0, j1), Mehrotra's corrector: centring at smu = σμ plus the second-order term of
// the affine step; the complementarity right-hand sides rc replace the affine dz in place.
void CorrectorPass(const ColumnArrays& a, Eigen::Index j0, Eigen::Index j1, double smu) {
  double *const wl = a.wl, *const wu = a.wu, *const zl = a.zl, *const zu = a.zu, *const rx = a.rx,
      *const dx = a.dx, *const dzl = a.dzl, *const dzu = a.dzu, *const iwl = a.iwl, *const iwu = a.iwu;
  const double *const ml = a.ml, *const mh = a.mh;
#pragma omp simd
  for (Eigen::Index j = j0; j < j1; ++j) {
    const double rcl = ml[j] * (smu - wl[j] * zl[j] - dx[j] * dzl[j]);
    const double rcu = mh[j] * (smu - wu[j] * zu[j] + dx[j] * dzu[j]);
    dzl[j] = rcl;
    dzu[j] = rcu;
    rx[j] += zl[j] - zu[j] + rcl * iwl[j] - rcu * iwu[j];  // −rd = rx_affine + z_l − z_u
  }
}

// Columns [j0, j1) after the corrector's solve: dz from rc, and into out[3], out[4] the
// largest −dw/w and −dz/z.
void StepPass(const ColumnArrays& a, Eigen::Index j0, Eigen::Index j1, double out[5]) {
  double *const zl = a.zl, *const zu = a.zu, *const dx = a.dx, *const dzl = a.dzl, *const dzu = a.dzu,
      *const iwl = a.iwl, *const iwu = a.iwu, *const izl = a.izl, *const izu = a.izu;
  double rp_max = 1.0, rd_max = 1.0;
#pragma omp simd reduction(max : rp_max, rd_max)
  for (Eigen::Index j = j0; j < j1; ++j) {
    const double dxj = dx[j];
    const double dl = (dzl[j] - zl[j] * dxj) * iwl[j];
    const double du = (dzu[j] + zu[j] * dxj) * iwu[j];
    dzl[j] = dl;
    dzu[j] = du;
    rp_max = std::max(rp_max, std::max(-dxj * iwl[j], dxj * iwu[j]));
    rd_max = std::max(rd_max, std::max(-dl * izl[j], -du * izu[j]));
  }
  out[3] = rp_max;
  out[4] = rd_max;
}

// The columns' part of the first pass of an iteration: the previous primal step applied to
// x (when step_p ≠ 0), b − Ax scattered into rp, and rx = c + Qx − Aᵀy (rd before the bound
// duals). Columns list[t] for t in [t0, t1), or t itself without a list. Returns Σ x·Qx.
struct ScatterArrays {
  const int *outer, *inner;
  const double* val;
  double* x;
  const double *dx, *c;
  double *rx, *rp;
  const double* y;
  const double *qd, *qx;  // Q's diagonal, or Q·x for a general Q (null: absent)
};

template <bool kStep, bool kList>
double ScatterStepColumns(const ScatterArrays& a, const int* list, Eigen::Index t0, Eigen::Index t1, double step_p) {
  const int *const outer = a.outer, *const inner = a.inner;
  const double* const val = a.val;
  double* const x = a.x;
  const double *const dx = a.dx, *const c = a.c, *const y = a.y, *const qd = a.qd, *const qx = a.qx;
  double *const rx = a.rx, *const rp = a.rp;
  double quad = 0.0;
  for (Eigen::Index t = t0; t < t1; ++t) {
    const Eigen::Index j = kList ? list[t] : t;
    double xj = x[j];
    if constexpr (kStep) {
      xj += step_p * dx[j];
      x[j] = xj;
    }
    double aty = 0.0;
    for (int q = outer[j]; q < outer[j + 1]; ++q) {
      rp[inner[q]] -= val[q] * xj;
      aty += val[q] * y[inner[q]];
    }
    const double qxj = qx != nullptr ? qx[j] : qd != nullptr ? qd[j] * xj : 0.0;
    quad += xj * qxj;
    rx[j] = c[j] - aty + qxj;
  }
  return quad;
}

double ScatterPass(const ScatterArrays& a, const int* list, Eigen::Index t0, Eigen::Index t1, double step_p) {
  if (step_p != 0.0) return list ? ScatterStepColumns<true, true>(a, list, t0, t1, step_p) : ScatterStepColumns<true, false>(a, list, t0, t1, step_p);
  return list ? ScatterStepColumns<false, true>(a, list, t0, t1, step_p) : ScatterStepColumns<false, false>(a, list, t0, t1, step_p);
}

// Rows [i0, i1) at the top of an iteration: the dual step y += y_step·dy, rp reset to b (the
// columns' scatter subtracts Ax next). Returns max |y|.
double RowStepPass(double* y, const double* dy, double* rp, const double* b, double y_step, Eigen::Index i0,
                   Eigen::Index i1) {
  double ym = 0.0;
#pragma omp simd reduction(max : ym)
  for (Eigen::Index i = i0; i < i1; ++i) {
    const double yi = y[i] + y_step * dy[i];
    y[i] = yi;
    ym = MaxOf(ym, std::abs(yi));
    rp[i] = b[i];
  }
  return ym;
}

// Rows [i0, i1) once rp = b − Ax is complete: the largest unscaled |rp| and b·y.
void RowMeasures(const double* rp, const double* inv_row, const double* b, const double* y, Eigen::Index i0,
                 Eigen::Index i1, double* pr_out, double* by_out) {
  double pr = 0.0, by = 0.0;
#pragma omp simd reduction(max : pr) reduction(+ : by)
  for (Eigen::Index i = i0; i < i1; ++i) {
    pr = MaxOf(pr, std::abs(rp[i] * inv_row[i]));
    by += b[i] * y[i];
  }
  *pr_out = pr;
  *by_out = by;
}

// A starting point from a solution of a problem of the same shape (the previous window of
// a rolling horizon, shifted): its x moved inside the bounds by a margin, inequality slacks
// from the row activities, its y, and z = c + Qx − Aᵀy split into the two bounds' duals.
// An optimal point sits on the boundary, where Newton steps are short, so every
// complementarity product is then raised to at least the mean product: the point is
// centred at the warm μ instead of the cold start's much larger one.
void WarmStart(const Problem& p, const Internal& in, const Solution& warm, const std::vector<char>& hl,
               const std::vector<char>& hu, Iterate* it) {
  const Eigen::Index n = in.c.size();
  for (Eigen::Index j = 0; j < p.num_vars(); ++j) {
    const int col = in.col_of_var[static_cast<std::size_t>(j)];
    if (col >= 0) it->x[col] = warm.x[j] / in.col_scale[col];
  }
  for (std::size_t i = 0; i < in.slack_of_row.size(); ++i) {
    if (in.slack_of_row[i] >= 0) it->x[in.slack_of_row[i]] = 0.0;
  }
  const Eigen::VectorXd activity = in.A * it->x;
  for (std::size_t i = 0; i < in.slack_of_row.size(); ++i) {
    const int s = in.slack_of_row[i];
    if (s < 0) continue;
    const double a = in.A.valuePtr()[in.A.outerIndexPtr()[s]];  // the slack's one entry, in row i
    it->x[s] = -activity[in.row_of[i]] / a;
  }
  for (Eigen::Index j = 0; j < n; ++j) {
    const bool bl = hl[static_cast<std::size_t>(j)], bu = hu[static_cast<std::size_t>(j)];
    const double l = in.lo[j], u = in.hi[j];
    const double margin = params::kWarmMargin * (bl && bu ? u - l : std::max(1.0, std::abs(it->x[j])));
    double x = it->x[j];
    if (bl) x = std::max(x, l + margin);
    if (bu) x = std::min(x, u - margin);
    if (bl && bu && !(x > l && x < u)) x = 0.5 * (l + u);
    it->x[j] = x;
    it->wl[j] = bl ? x - l : 1.0;
    it->wu[j] = bu ? u - x : 1.0;
  }
  if (warm.y.size() == p.num_rows()) {
    for (Eigen::Index i = 0; i < p.num_rows(); ++i) {
      const int r = in.row_of[static_cast<std::size_t>(i)];
      if (r >= 0) it->y[r] = warm.y[i] * in.obj_scale / in.row_scale[r];
    }
  }
  // The bound duals from the reduced costs z = c − Aᵀy (+ Qx), column by column, with the
  // complementarity they give.
  Eigen::VectorXd qx;
  if (in.Q.nonZeros() > 0) qx = in.Q * it->x;
  const double* y = it->y.data();
  double comp = 0.0, count = 0.0;
  for (Eigen::Index j = 0; j < n; ++j) {
    double z = in.c[j] - ColumnDot(in.A, j, y);
    if (qx.size() > 0) z += qx[j];
    const bool bl = hl[static_cast<std::size_t>(j)], bu = hu[static_cast<std::size_t>(j)];
    const double zl = bl ? std::max(z, 0.0) : 0.0, zu = bu ? std::max(-z, 0.0) : 0.0;
    it->zl[j] = zl;
    it->zu[j] = zu;
    comp += it->wl[j] * zl + it->wu[j] * zu;
    count += bl + bu;
  }
  const double floor = params::kWarmCentring * (count > 0 ? comp / count : 1.0);
  const double mu = floor > 0 ? floor : 1e-2;
  for (Eigen::Index j = 0; j < n; ++j) {
    if (hl[static_cast<std::size_t>(j)]) it->zl[j] = std::max(it->zl[j], mu / it->wl[j]);
    if (hu[static_cast<std::size_t>(j)]) it->zu[j] = std::max(it->zu[j], mu / it->wu[j]);
  }
}

}  // namespace

const char* StatusName(Status s) {
  switch (s) {
    case Status::kOptimal: return "optimal";
    case Status::kOptimalInaccurate: return "optimal_inaccurate";
    case Status::kPrimalInfeasible: return "primal_infeasible";
    case Status::kDualInfeasible: return "dual_infeasible";
    case Status::kMaxIterations: return "max_iterations";
    case Status::kNumericalError: return "numerical_error";
  }
  return "unknown";
}

namespace {

// Problem::Validate's entry-by-entry reports of c, the bounds and A.
void ElementErrors(const Problem& p, std::vector<std::string>* errors) {
  std::vector<std::string>& e = *errors;
  const auto& c = p.c;
  const auto& x_lo = p.x_lo;
  const auto& x_hi = p.x_hi;
  const auto& row_lo = p.row_lo;
  const auto& row_hi = p.row_hi;
  const SparseMatrix& A = p.A;
  const Eigen::Index n = c.size(), m = A.rows();
  for (Eigen::Index j = 0; j < n; ++j) {
    if (!std::isfinite(c[j])) e.push_back(fmt::format("c[{}] is not finite", j));
    if (std::isnan(x_lo[j]) || std::isnan(x_hi[j]) || x_lo[j] > x_hi[j] || x_lo[j] == kInf || x_hi[j] == -kInf) {
      e.push_back(fmt::format("bounds of x[{}] are invalid: [{}, {}]", j, x_lo[j], x_hi[j]));
    }
  }
  for (Eigen::Index i = 0; i < m; ++i) {
    if (std::isnan(row_lo[i]) || std::isnan(row_hi[i]) || row_lo[i] > row_hi[i] || row_lo[i] == kInf || row_hi[i] == -kInf) {
      e.push_back(fmt::format("bounds of row {} are invalid: [{}, {}]", i, row_lo[i], row_hi[i]));
    }
  }
  for (Eigen::Index j = 0; j < A.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(A, j); it; ++it)
      if (!std::isfinite(it.value())) e.push_back(fmt::format("A({}, {}) is not finite", it.row(), j));
}

// Problem::Validate's reports of Q: finite, symmetric, diagonal ≥ 0.
void QErrors(const SparseMatrix& Q, std::vector<std::string>* errors) {
  std::vector<std::string>& e = *errors;
  bool diagonal = true;  // (the common case: symmetric as it stands, no transpose needed)
  for (Eigen::Index j = 0; j < Q.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(Q, j); it; ++it) {
      if (!std::isfinite(it.value())) e.push_back(fmt::format("Q({}, {}) is not finite", it.row(), j));
      diagonal = diagonal && it.row() == it.col();
    }
  if (!diagonal) {
    const SparseMatrix d = SparseMatrix(Q.transpose()) - Q;
    for (Eigen::Index j = 0; j < d.outerSize(); ++j)
      for (SparseMatrix::InnerIterator it(d, j); it; ++it)
        if (std::abs(it.value()) > 1e-12) {
          e.push_back("Q must be symmetric (give both triangles)");
          return;
        }
  }
  for (Eigen::Index j = 0; j < Q.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(Q, j); it; ++it)
      if (it.row() == it.col() && it.value() < 0.0) e.push_back(fmt::format("Q({0}, {0}) < 0: not positive semidefinite", j));
}

}  // namespace

std::vector<std::string> Problem::Validate() const {
  std::vector<std::string> e;
  const Eigen::Index n = c.size(), m = A.rows();
  if (A.cols() != n) e.push_back(fmt::format("A has {} columns, c has {} entries", A.cols(), n));
  if (x_lo.size() != n || x_hi.size() != n) e.push_back("x_lo and x_hi must have one entry per variable");
  if (row_lo.size() != m || row_hi.size() != m) e.push_back("row_lo and row_hi must have one entry per row");
  if (Q.nonZeros() > 0 && (Q.rows() != n || Q.cols() != n)) e.push_back("Q must be n × n");
  if (!e.empty()) return e;
  // Valid data (the common case) is recognized by whole-array tests; the entry-by-entry
  // reports that name what is wrong (ElementErrors) run only when one fails. A QP's Q is
  // always checked entry by entry (QErrors).
  // (Counted rather than `all()`, which stops at the first failure and does not vectorize;
  // every comparison is false for NaN.)
  const auto bounds_ok = [](const Eigen::VectorXd& lo, const Eigen::VectorXd& hi) {
    const Eigen::Index bad = (lo.array() > hi.array() || lo.array() == kInf || hi.array() == -kInf || lo.array() != lo.array() ||
                              hi.array() != hi.array()).count();
    return bad == 0;
  };
  const auto all_finite = [](const auto& v) { return (v.array().abs() <= std::numeric_limits<double>::max()).count() == v.size(); };
  const Eigen::Map<const Eigen::VectorXd> a_values(A.valuePtr(), A.nonZeros());
  const bool data_ok = A.isCompressed() && all_finite(c) && bounds_ok(x_lo, x_hi) && bounds_ok(row_lo, row_hi) && all_finite(a_values);
  if (!data_ok) ElementErrors(*this, &e);
  if (Q.nonZeros() > 0) QErrors(Q, &e);
  return e;
}

std::vector<std::string> Options::Validate() const {
  std::vector<std::string> e;
  if (!(tolerance > 0.0 && tolerance < 1.0)) e.push_back(fmt::format("tolerance must be in (0, 1), found {}", tolerance));
  if (max_iterations < 1) e.push_back(fmt::format("max_iterations must be >= 1, found {}", max_iterations));
  if (threads < 1) e.push_back(fmt::format("threads must be >= 1, found {}", threads));
  return e;
}

namespace {

Result SolveOnce(const Problem& p, const Options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> errors = p.Validate();
  for (auto& e : opt.Validate()) errors.push_back(e);
  if (!errors.empty()) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e;
    throw std::invalid_argument("opt::Solve: " + all);
  }
  Internal in = Build(p, opt.scale);
  const Eigen::Index n = in.c.size(), m = in.b.size();
  Result result;

  // Linear-algebra path.
  bool q_diag = true;
  for (Eigen::Index j = 0; j < in.Q.outerSize() && q_diag; ++j)
    for (SparseMatrix::InnerIterator it(in.Q, j); it; ++it) if (it.row() != it.col()) q_diag = false;
  const int bw = NormalBandwidth(in.A);
  LinearSolver path = opt.linear_solver;
  if (path == LinearSolver::kAuto) path = (q_diag && bw <= params::kMaxBandwidth) ? LinearSolver::kBanded : LinearSolver::kAugmented;
  if (path == LinearSolver::kBanded && !q_diag) throw std::invalid_argument("opt::Solve: the banded path needs a diagonal Q");
  // A large banded problem runs its passes by two halves in time, on two threads if allowed.
  const Halves halves = path == LinearSolver::kBanded ? SplitInTime(in.A) : Halves::Whole(n, m);
  const bool split = halves.split;
  Team team(split && opt.threads >= 2);
  auto kkt = MakeKktSolver(path, in.A, in.Q, bw, split ? &halves : nullptr, split ? &team : nullptr);
  result.info.linear_solver = path;
  result.info.bandwidth = path == LinearSolver::kBanded ? bw : 0;
  result.info.setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Column state. A missing bound keeps w = 1 and z = 0 for ever, so its terms vanish from
  // every sum below without a branch; `hl`/`hu` mark the bounds that exist.
  // One pass also takes the masks (1 where the bound exists: branch-free loops), the
  // unscaled norms for the termination tests, and sets each missing bound to 0: from here
  // on it reads 0 (the masks say which exist), so the dual objective Σ l·z_l − u·z_u needs
  // no branch. (The starting points below read a bound only where it exists.)
  std::vector<char> hl(static_cast<std::size_t>(n)), hu(static_cast<std::size_t>(n));
  Eigen::VectorXd mask_lo(n), mask_hi(n);
  double ncomp = 0.0, bound_norm = 0.0, c_norm = 0.0;
  for (Eigen::Index i = 0; i < m; ++i) bound_norm = std::max(bound_norm, std::abs(in.b[i] / in.row_scale[i]));
  for (Eigen::Index j = 0; j < n; ++j) {
    const double l = in.lo[j], u = in.hi[j];
    const bool has_lo = std::isfinite(l), has_hi = std::isfinite(u);
    hl[static_cast<std::size_t>(j)] = has_lo;
    hu[static_cast<std::size_t>(j)] = has_hi;
    ncomp += has_lo + has_hi;
    mask_lo[j] = has_lo ? 1.0 : 0.0;
    mask_hi[j] = has_hi ? 1.0 : 0.0;
    if (has_lo) bound_norm = std::max(bound_norm, std::abs(l * in.col_scale[j]));
    if (has_hi) bound_norm = std::max(bound_norm, std::abs(u * in.col_scale[j]));
    c_norm = std::max(c_norm, std::abs(in.c[j] / in.col_scale[j] / in.obj_scale));
    if (!has_lo) in.lo[j] = 0.0;
    if (!has_hi) in.hi[j] = 0.0;
  }
  ncomp = std::max(1.0, ncomp);

  // Starting point: strictly inside the bounds, the bound duals at z0 (a warm start sets
  // every entry of x, w and z itself).
  Iterate it;
  it.x.resize(n);
  it.wl.resize(n);
  it.wu.resize(n);
  it.zl.resize(n);
  it.zu.resize(n);
  it.y = Eigen::VectorXd::Zero(m);
  const bool warm = opt.warm_start && opt.warm_start->x.size() == p.num_vars();
  if (!warm) {
    // The bound duals start at the mean |c_j| (clamped to [1e-2, 1]): with y = 0 the dual
    // residual is c − z, and duals of the size of c keep it small from the first step.
    const double z0 = std::clamp(in.c.cwiseAbs().sum() / std::max<double>(1.0, static_cast<double>(n)), 1e-2, 1.0);
    for (Eigen::Index j = 0; j < n; ++j) {
      const double l = in.lo[j], u = in.hi[j];
      const bool bl = hl[static_cast<std::size_t>(j)], bu = hu[static_cast<std::size_t>(j)];
      const double x = bl && bu ? 0.5 * (l + u) : bl ? l + 1.0 : bu ? u - 1.0 : 0.0;
      it.x[j] = x;
      it.wl[j] = bl ? x - l : 1.0;
      it.wu[j] = bu ? u - x : 1.0;
      it.zl[j] = bl ? z0 : 0.0;
      it.zu[j] = bu ? z0 : 0.0;
    }
  }
  if (warm) WarmStart(p, in, *opt.warm_start, hl, hu, &it);

  const double* lo = in.lo.data();
  const double* hi = in.hi.data();
  const bool qp = in.Q.nonZeros() > 0;
  const bool q_general = qp && !q_diag;
  Eigen::VectorXd qd, qx;  // diagonal of Q, or Q·x for a general Q (QPs only)
  if (qp && q_diag) {
    qd = Eigen::VectorXd::Zero(n);
    for (Eigen::Index j = 0; j < in.Q.outerSize(); ++j)
      for (SparseMatrix::InnerIterator e(in.Q, j); e; ++e) qd[j] += e.value();
  }
  const Eigen::VectorXd inv_row = in.row_scale.cwiseInverse(), inv_col = in.col_scale.cwiseInverse();

  // rx: right-hand side of the KKT solve (and the dual residual's scratch); dzl, dzu:
  // first the complementarity right-hand sides rc, then the dual steps.
  // The step is applied at the top of each iteration: the first applies a zero step.
  Eigen::VectorXd rp(m), dy = Eigen::VectorXd::Zero(m), rx(n), d(n);
  // Inverses of w and z (0 where the bound is missing), once per iteration: the passes
  // after the factorization then multiply, and the step-length tests become maxima of
  // −dx/w and −dz/z, without a division per entry.
  Eigen::VectorXd inv_wl(n), inv_wu(n), inv_zl(n), inv_zu(n);
  Eigen::VectorXd dx = Eigen::VectorXd::Zero(n), dzl = Eigen::VectorXd::Zero(n), dzu = Eigen::VectorXd::Zero(n);
  const int* a_outer = in.A.outerIndexPtr();
  const int* a_inner = in.A.innerIndexPtr();
  const double* a_val = in.A.valuePtr();
  const char* bl = hl.data();
  const char* bu = hu.data();
  const double* ml = mask_lo.data();
  const double* mh = mask_hi.data();
  double* const rxp = rx.data();
  double* const dxp = dx.data();
  double* const dzlp = dzl.data();
  double* const dzup = dzu.data();
  double* const dp = d.data();
  const double* const icp = inv_col.data();
  double* const iwl = inv_wl.data();
  double* const iwu = inv_wu.data();
  double* const izl = inv_zl.data();
  double* const izu = inv_zu.data();

  // Certificates (on the scaled problem; scaling preserves signs and zero patterns).
  auto primal_infeasible = [&]() {
    double norm = NormInf(it.y);
    for (Eigen::Index j = 0; j < n; ++j) norm = std::max({norm, it.zl[j], it.zu[j]});
    if (!(norm > 0)) return false;
    const Eigen::VectorXd yh = it.y / norm;
    Eigen::VectorXd r = in.A.transpose() * yh;
    double farkas = in.b.dot(yh);
    for (Eigen::Index j = 0; j < n; ++j) {
      const double zl = it.zl[j] / norm, zu = it.zu[j] / norm;
      r[j] += zl - zu;
      if (bl[j]) farkas += lo[j] * zl;
      if (bu[j]) farkas -= hi[j] * zu;
    }
    return NormInf(r) < params::kInfeasibilityTol && farkas > params::kInfeasibilityTol;
  };
  auto dual_infeasible = [&]() {
    const double norm = NormInf(it.x);
    if (!(norm > 0)) return false;
    const Eigen::VectorXd xh = it.x / norm;
    if (NormInf(in.A * xh) > params::kInfeasibilityTol) return false;
    if (qp && NormInf(in.Q * xh) > params::kInfeasibilityTol) return false;
    for (Eigen::Index j = 0; j < n; ++j) {  // a direction along which every bound stays satisfied
      if (bl[j] && xh[j] < -params::kInfeasibilityTol) return false;
      if (bu[j] && xh[j] > params::kInfeasibilityTol) return false;
    }
    return in.c.dot(xh) < -params::kInfeasibilityTol;
  };

  // Raw views of the state for the fused loops below.
  double* x = it.x.data();
  double* wl = it.wl.data();
  double* wu = it.wu.data();
  double* zl = it.zl.data();
  double* zu = it.zu.data();
  double* y = it.y.data();
  const double* c = in.c.data();

  const ColumnArrays cols{x, wl, wu, zl, zu, rxp, dxp, dzlp, dzup, iwl, iwu, izl, izu, dp, c, lo, hi, ml, mh, icp};

  Status status = Status::kMaxIterations;
  double pres = 0, dres = 0, gap = 0, pobj = 0, dobj = 0;
  int iter = 0;
  int stalls = 0;
  int stalled = 0;           // iterations in a row of a stalled gap (below)
  double best_merit = kInf;  // the best max(pres, dres, gap) so far
  struct {                   // the best iterate of a stalled gap (below)
    double merit = kInf, pres = 0, dres = 0, gap = 0, pobj = 0, dobj = 0;
    Eigen::VectorXd x, y;
  } kept;
  double ap = 0.0, ad = 0.0;  // the step of the previous iteration, applied at the start of the next
  for (; iter <= opt.max_iterations; ++iter) {
    // The previous step, then residuals, measures, the scaling D and the predictor's
    // right-hand side in two passes (rows and a scatter by columns, then ElementPass):
    // rd = c + Qx − Aᵀy − z_l + z_u, rp = b − Ax, d = z_l/w_l + z_u/w_u,
    // rx = −rd + rc_l/w_l − rc_u/w_u with the affine rc = −w·z.
    // (A general Q needs Q·x of the new x before the pass: its step is applied on its own.)
    double step_p = ap, step_d = ad;
    const double y_step = ad;
    if (q_general) {
      for (Eigen::Index j = 0; j < n && iter > 0; ++j) {
        x[j] += step_p * dx[j];
        if (bl[j]) wl[j] += step_p * dx[j];
        if (bu[j]) wu[j] -= step_p * dx[j];
        zl[j] += step_d * dzl[j];
        zu[j] += step_d * dzu[j];
      }
      step_p = step_d = 0.0;
      qx.noalias() = in.Q * it.x;
    }
    // Per half, the rows' part and the columns' scatter into rows (the columns between the
    // halves after both); then the element pass per half (it vectorizes).
    double quad_part[3] = {0.0, 0.0, 0.0};
    const ScatterArrays scat{a_outer, a_inner, a_val, x, dxp, c, rxp, rp.data(), y,
                             qp && !q_general ? qd.data() : nullptr, q_general ? qx.data() : nullptr};
    Sums part[2];
    double ymax[2] = {0.0, 0.0};
    team.Run([&](int h) {
      ymax[h] = RowStepPass(y, dy.data(), rp.data(), in.b.data(), y_step, halves.row_begin(h), halves.row_end(h));
      halves.OwnSpan(h, [&](const int* list, Eigen::Index t0, Eigen::Index t1) { quad_part[h] = ScatterPass(scat, list, t0, t1, step_p); });
    });
    halves.BetweenSpan([&](const int* list, Eigen::Index t0, Eigen::Index t1) { quad_part[2] = ScatterPass(scat, list, t0, t1, step_p); });
    // The element pass per half, and the rows' measures of rp (complete now).
    double row_pr[2], row_by[2];
    team.Run([&](int h) {
      part[h] = ElementPass(cols, halves.col_begin(h), halves.col_end(h), step_p, step_d);
      RowMeasures(rp.data(), inv_row.data(), in.b.data(), y, halves.row_begin(h), halves.row_end(h), &row_pr[h], &row_by[h]);
    });
    double dr = 0.0, po = 0.0, dob = 0.0, comp = 0.0, big = std::max(ymax[0], ymax[1]), dr_lag = 0.0, dob_lag = 0.0;
    const double quad = quad_part[0] + quad_part[1] + quad_part[2];
    for (const Sums& ps : part) {  // in a fixed order
      dr = std::max(dr, ps.dr);
      po += ps.po;
      dob += ps.dob;
      comp += ps.comp;
      big = std::max(big, ps.big);
      dr_lag = std::max(dr_lag, ps.dr_lag);
      dob_lag += ps.dob_lag;
    }
    const double pr = std::max(row_pr[0], row_pr[1]);
    const double by = row_by[0] + row_by[1];
    po += 0.5 * quad;
    dob += by - 0.5 * quad;
    dob_lag += by - 0.5 * quad;
    pres = pr / (1.0 + bound_norm);
    dres = dr / in.obj_scale / (1.0 + c_norm);
    pobj = po / in.obj_scale;
    dobj = dob / in.obj_scale;
    gap = std::abs(pobj - dobj) / (1.0 + std::abs(pobj));
    // A second dual point at the same y: the reduced costs r = c + Qx − Aᵀy put on the
    // bounds that exist by their sign, z_l = r⁺, z_u = r⁻. Its dual objective is the
    // Lagrangian bound b·y − ½xᵀQx + Σ_j min over l_j ≤ x_j ≤ u_j of r_j·x_j, a valid lower
    // bound; its dual residual is what a one-sided or free column leaves of r. Near the end
    // it drops the iterate's duals on the far bound of each box (≈ μ/width each), about half
    // of the complementarity gap, and the tolerance is met an iteration sooner in about half
    // the solves. The better of the two points is the certificate.
    const double dres_lag = dr_lag / in.obj_scale / (1.0 + c_norm), dobj_lag = dob_lag / in.obj_scale;
    const double gap_lag = std::abs(pobj - dobj_lag) / (1.0 + std::abs(pobj));
    if (std::max(dres_lag, gap_lag) < std::max(dres, gap)) {
      dres = dres_lag;
      gap = gap_lag;
      dobj = dobj_lag;
    }
    if (!std::isfinite(pres) || !std::isfinite(dres) || !std::isfinite(gap)) {
      status = Status::kNumericalError;
      break;
    }
    if (pres <= opt.tolerance && dres <= opt.tolerance && gap <= opt.tolerance) {
      status = Status::kOptimal;
      break;
    }
    // A stalled gap: near the optimum, once the complementarity left is a negligible part
    // of the objective gap, the gap is what the residuals' rounding floor leaves (times the
    // duals), and steps can hardly close it: they drive μ towards underflow, the gap moving
    // a few per cent an iteration at best, until the factorization breaks down.
    // kStallIterations such iterations in a row, none improving on the best max(pres, dres,
    // gap) so far by kStallProgress, end the solve at this iterate, optimal-inaccurate.
    // (One such iteration is not enough: a residual that bounces near its floor can still
    // settle a few iterations later.) The best iterate of that regime is kept: a solve that
    // breaks down from it ends there instead (optimal-inaccurate) than with nothing.
    const double merit = std::max({pres, dres, gap});
    const bool stall_regime = merit <= opt.tolerance * params::kInaccurateFactor &&
                              comp < params::kStallComplementarity * std::abs(pobj - dobj) * in.obj_scale;
    stalled = stall_regime && merit >= params::kStallProgress * best_merit ? stalled + 1 : 0;
    best_merit = std::min(best_merit, merit);
    if (stall_regime && merit < kept.merit) kept = {merit, pres, dres, gap, pobj, dobj, it.x, it.y};
    if (stalled >= params::kStallIterations) {
      status = Status::kOptimalInaccurate;
      break;
    }
    if (big > params::kDivergence * 1e-4) {
      if (primal_infeasible()) { status = Status::kPrimalInfeasible; break; }
      if (dual_infeasible()) { status = Status::kDualInfeasible; break; }
    }
    if (iter == opt.max_iterations) break;
    const double mu = comp / ncomp;
    if (!kkt->Factorize(d)) {
      status = Status::kNumericalError;
      break;
    }
    // Predictor (affine scaling, rc = −w·z): direction, step lengths, and μ after the step
    // as S0 + αp·S1 + αd·S2 + αp·αd·S3, all in one pass.
    double half_s[2][5];  // per half: s1, s2, s3, and the largest −dw/w and −dz/z
    const std::function<void(int)> predictor = [&](int h) {
      PredictorPass(cols, halves.col_begin(h), halves.col_end(h), half_s[h]);
    };
    kkt->SolveThen(rx, rp, &dx, &dy, &predictor);
    const double s1 = half_s[0][0] + half_s[1][0], s2 = half_s[0][1] + half_s[1][1], s3 = half_s[0][2] + half_s[1][2];
    double rp_max = std::max(half_s[0][3], half_s[1][3]);  // largest −dw/w and −dz/z: steps 1/max
    double rd_max = std::max(half_s[0][4], half_s[1][4]);
    ap = 1.0 / rp_max;
    ad = 1.0 / rd_max;
    if (qp) ap = ad = std::min(ap, ad);
    const double mu_aff = (comp + ap * s1 + ad * s2 + ap * ad * s3) / ncomp;
    const double sigma = std::pow(std::clamp(mu_aff / mu, 0.0, 1.0), 3);
    // Corrector (Mehrotra): centring plus the second-order term of the affine step; the
    // complementarity right-hand sides rc replace the affine dz in place.
    const double smu = sigma * mu;
    team.Run([&](int h) { CorrectorPass(cols, halves.col_begin(h), halves.col_end(h), smu); });
    const std::function<void(int)> step = [&](int h) { StepPass(cols, halves.col_begin(h), halves.col_end(h), half_s[h]); };
    kkt->SolveThen(rx, rp, &dx, &dy, &step);
    rp_max = std::max(half_s[0][3], half_s[1][3]);
    rd_max = std::max(half_s[0][4], half_s[1][4]);
    ap = 1.0 / rp_max;
    ad = 1.0 / rd_max;
    if (qp) ap = ad = std::min(ap, ad);
    const double tau = std::max(params::kStepFraction, 1.0 - mu);
    ap = std::min(1.0, tau * ap);
    ad = std::min(1.0, tau * ad);
    stalls = (ap < 1e-10 && ad < 1e-10) ? stalls + 1 : 0;
    if (stalls >= 5) break;
  }
  const bool near = pres <= opt.tolerance * params::kInaccurateFactor && dres <= opt.tolerance * params::kInaccurateFactor &&
                    gap <= opt.tolerance * params::kInaccurateFactor;  // (false when any is NaN)
  if (status == Status::kMaxIterations) {
    if (primal_infeasible()) status = Status::kPrimalInfeasible;
    else if (dual_infeasible()) status = Status::kDualInfeasible;
    else if (near) status = Status::kOptimalInaccurate;
  } else if (status == Status::kNumericalError && near) {
    // The factorization broke down at an iterate already within 1000 × the tolerance (the
    // scaling D spans many decades at the end of a degenerate solve): that iterate is the
    // answer, reported as such.
    status = Status::kOptimalInaccurate;
  }
  if ((status == Status::kNumericalError || status == Status::kMaxIterations) && kept.x.size() > 0) {
    // Broken down after a stalled gap, and no longer near: back to its best iterate.
    it.x = std::move(kept.x);
    it.y = std::move(kept.y);
    pres = kept.pres;
    dres = kept.dres;
    gap = kept.gap;
    pobj = kept.pobj;
    dobj = kept.dobj;
    status = Status::kOptimalInaccurate;
  }

  // Back to the original variables, rows and units.
  Solution& s = result.solution;
  s.x = Postsolve(p, in, it.x);
  s.y = RowDuals(p, in, it.y);
  // Reduced costs z = c + Qx − Aᵀy for every variable (fixed ones included).
  if (opt.reduced_costs) {
    s.z.resize(p.num_vars());
    for (Eigen::Index j = 0; j < p.num_vars(); ++j) s.z[j] = p.c[j] - ColumnDot(p.A, j, s.y.data());
  }
  if (opt.reduced_costs && p.Q.nonZeros() > 0) s.z += p.Q * s.x;
  result.status = status;
  result.info.iterations = iter;
  result.info.primal_residual = pres;
  result.info.dual_residual = dres;
  result.info.gap = gap;
  result.info.objective = pobj + in.offset + p.objective_offset;
  result.info.dual_objective = dobj + in.offset + p.objective_offset;
  result.info.solve_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

// When a solve ends without an answer (numerical error or the iteration limit), the
// problem may be infeasible without the iterates having diverged far enough to show a
// Farkas certificate: barely infeasible problems are the hard case for an interior-point
// method. The elastic problem
//   minimize Σ (p_i + q_i)  subject to  row_lo ≤ A x + p − q ≤ row_hi,  x_lo ≤ x ≤ x_hi,  p, q ≥ 0
// is always feasible and bounded, so it is solved reliably; if its least violation exceeds
// the tolerance the solver works to, the problem is reported primal infeasible.
void ClassifyFailure(const Problem& p, const Options& opt, Result* r) {
  const Eigen::Index n = p.num_vars(), m = p.num_rows();
  Problem e;
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(static_cast<std::size_t>(p.A.nonZeros() + 2 * m));
  for (Eigen::Index j = 0; j < p.A.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(p.A, j); it; ++it) t.emplace_back(it.row(), j, it.value());
  for (Eigen::Index i = 0; i < m; ++i) {
    t.emplace_back(i, n + i, 1.0);
    t.emplace_back(i, n + m + i, -1.0);
  }
  e.A.resize(m, n + 2 * m);
  e.A.setFromTriplets(t.begin(), t.end());
  e.row_lo = p.row_lo;
  e.row_hi = p.row_hi;
  e.c = Eigen::VectorXd::Zero(n + 2 * m);
  e.c.tail(2 * m).setOnes();
  e.x_lo = Eigen::VectorXd::Zero(n + 2 * m);
  e.x_hi = Eigen::VectorXd::Constant(n + 2 * m, kInf);
  e.x_lo.head(n) = p.x_lo;
  e.x_hi.head(n) = p.x_hi;
  Options eo = opt;
  eo.warm_start = nullptr;
  const Result er = SolveOnce(e, eo);
  r->info.iterations += er.info.iterations;
  r->info.solve_seconds += er.info.solve_seconds;
  if (er.status != Status::kOptimal && er.status != Status::kOptimalInaccurate) return;
  double bound_norm = 0.0, violation = 0.0;
  for (const Eigen::VectorXd* v : {&p.row_lo, &p.row_hi, &p.x_lo, &p.x_hi})
    for (Eigen::Index i = 0; i < v->size(); ++i)
      if (std::isfinite((*v)[i])) bound_norm = std::max(bound_norm, std::abs((*v)[i]));
  for (Eigen::Index i = 0; i < m; ++i) violation = std::max(violation, std::abs(er.solution.x[n + i] - er.solution.x[n + m + i]));
  if (violation > params::kInfeasibleViolation * opt.tolerance * (1.0 + bound_norm)) r->status = Status::kPrimalInfeasible;
}

}  // namespace

Result Solve(const Problem& p, const Options& opt) {
  Result r = SolveOnce(p, opt);
  if (opt.warm_start != nullptr && r.status != Status::kOptimal) {
    // A warm start must never lose a problem the cold start solves: try again from cold.
    Options cold = opt;
    cold.warm_start = nullptr;
    Result c = SolveOnce(p, cold);
    c.info.iterations += r.info.iterations;
    c.info.solve_seconds += r.info.solve_seconds;
    c.info.cold_restart = true;
    r = std::move(c);
  }
  if (r.status == Status::kNumericalError || r.status == Status::kMaxIterations) ClassifyFailure(p, opt, &r);
  return r;
}

}  // namespace essim::opt
