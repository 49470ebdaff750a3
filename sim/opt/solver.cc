#include "sim/opt/solver.h"

#include <algorithm>
#include <chrono>
#include <cmath>
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
  std::vector<bool> free_row;
  double offset = 0.0;                    // objective constant from fixed columns
  Eigen::VectorXd fixed_value;            // per original var (NaN if not fixed)
};

Internal Build(const Problem& p, bool scale) {
  Internal in;
  const Eigen::Index n = p.num_vars(), m = p.num_rows();
  in.col_of_var.assign(static_cast<std::size_t>(n), -1);
  in.fixed_value = Eigen::VectorXd::Constant(n, std::nan(""));
  int ncol = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double w = p.x_hi[j] - p.x_lo[j];
    if (std::isfinite(w) && w <= 1e-12 * std::max(1.0, std::abs(p.x_lo[j]))) {
      in.fixed_value[j] = 0.5 * (p.x_lo[j] + p.x_hi[j]);
    } else {
      in.col_of_var[static_cast<std::size_t>(j)] = ncol++;
    }
  }
  in.slack_of_row.assign(static_cast<std::size_t>(m), -1);
  in.free_row.assign(static_cast<std::size_t>(m), false);
  int nslack = 0;
  for (Eigen::Index i = 0; i < m; ++i) {
    if (!std::isfinite(p.row_lo[i]) && !std::isfinite(p.row_hi[i])) in.free_row[static_cast<std::size_t>(i)] = true;
    else if (p.row_lo[i] != p.row_hi[i]) in.slack_of_row[static_cast<std::size_t>(i)] = ncol + nslack++;
  }
  const int nt = ncol + nslack;
  // Constant contributions of fixed columns: A x_f moves to b, c_f x_f and Q terms to the objective.
  Eigen::VectorXd xf = Eigen::VectorXd::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j) if (!std::isnan(in.fixed_value[j])) xf[j] = in.fixed_value[j];
  const Eigen::VectorXd ax_fixed = p.A * xf;
  Eigen::VectorXd qx_fixed = Eigen::VectorXd::Zero(n);
  if (p.Q.nonZeros() > 0) qx_fixed = p.Q * xf;
  in.offset = p.c.dot(xf) + 0.5 * xf.dot(qx_fixed);

  in.b = Eigen::VectorXd::Zero(m);
  in.c = Eigen::VectorXd::Zero(nt);
  in.lo = Eigen::VectorXd::Zero(nt);
  in.hi = Eigen::VectorXd::Zero(nt);
  for (Eigen::Index i = 0; i < m; ++i) {
    const int s = in.slack_of_row[static_cast<std::size_t>(i)];
    if (s >= 0) {
      in.lo[s] = p.row_lo[i] - ax_fixed[i];
      in.hi[s] = p.row_hi[i] - ax_fixed[i];
    } else if (!in.free_row[static_cast<std::size_t>(i)]) {
      in.b[i] = p.row_lo[i] - ax_fixed[i];
    }
  }
  // The internal matrix in compressed columns directly (no triplets, no sort): the kept
  // original columns in order, then one −1 column per inequality row.
  {
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
    in.A.resize(m, nt);
    in.A.resizeNonZeros(src->nonZeros() + nslack);
    int* outer = in.A.outerIndexPtr();
    int* inner = in.A.innerIndexPtr();
    double* val = in.A.valuePtr();
    int nz = 0, col = 0;
    outer[0] = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (in.col_of_var[static_cast<std::size_t>(j)] < 0) continue;
      for (int q = so[j]; q < so[j + 1]; ++q) {
        if (sv[q] == 0.0 || in.free_row[static_cast<std::size_t>(si[q])]) continue;
        inner[nz] = si[q];
        val[nz++] = sv[q];
      }
      outer[++col] = nz;
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      if (in.slack_of_row[static_cast<std::size_t>(i)] < 0) continue;
      inner[nz] = static_cast<int>(i);
      val[nz++] = -1.0;
      outer[++col] = nz;
    }
    in.A.resizeNonZeros(nz);
  }
  for (Eigen::Index j = 0; j < n; ++j) {
    const int col = in.col_of_var[static_cast<std::size_t>(j)];
    if (col < 0) continue;
    in.c[col] = p.c[j] + qx_fixed[j];
    in.lo[col] = p.x_lo[j];
    in.hi[col] = p.x_hi[j];
  }
  std::vector<Eigen::Triplet<double>> tq;
  for (Eigen::Index j = 0; j < p.Q.outerSize(); ++j) {
    for (SparseMatrix::InnerIterator it(p.Q, j); it; ++it) {
      const int r = in.col_of_var[static_cast<std::size_t>(it.row())], cc = in.col_of_var[static_cast<std::size_t>(j)];
      if (r >= 0 && cc >= 0 && it.value() != 0.0) tq.emplace_back(r, cc, it.value());
    }
  }
  in.Q.resize(nt, nt);
  in.Q.setFromTriplets(tq.begin(), tq.end());

  // Ruiz equilibration: rows and columns of A to unit infinity norm.
  in.row_scale = Eigen::VectorXd::Ones(m);
  in.col_scale = Eigen::VectorXd::Ones(nt);
  if (scale) {
    for (int pass = 0; pass < params::kRuizPasses; ++pass) {
      Eigen::VectorXd rmax = Eigen::VectorXd::Zero(m), cmax = Eigen::VectorXd::Zero(nt);
      for (Eigen::Index j = 0; j < in.A.outerSize(); ++j) {
        for (SparseMatrix::InnerIterator it(in.A, j); it; ++it) {
          const double a = std::abs(it.value());
          rmax[it.row()] = std::max(rmax[it.row()], a);
          cmax[j] = std::max(cmax[j], a);
        }
      }
      for (Eigen::Index i = 0; i < m; ++i) rmax[i] = rmax[i] > 0 ? 1.0 / std::sqrt(rmax[i]) : 1.0;
      for (Eigen::Index j = 0; j < nt; ++j) cmax[j] = cmax[j] > 0 ? 1.0 / std::sqrt(cmax[j]) : 1.0;
      for (Eigen::Index j = 0; j < in.A.outerSize(); ++j) {
        for (SparseMatrix::InnerIterator it(in.A, j); it; ++it) it.valueRef() *= rmax[it.row()] * cmax[j];
      }
      in.row_scale = in.row_scale.cwiseProduct(rmax);
      in.col_scale = in.col_scale.cwiseProduct(cmax);
    }
    in.b = in.b.cwiseProduct(in.row_scale);
    for (Eigen::Index j = 0; j < nt; ++j) {
      in.c[j] *= in.col_scale[j];
      in.lo[j] /= in.col_scale[j];
      in.hi[j] /= in.col_scale[j];
    }
    for (Eigen::Index j = 0; j < in.Q.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(in.Q, j); it; ++it) it.valueRef() *= in.col_scale[it.row()] * in.col_scale[j];
    }
  }
  double cq = NormInf(in.c);
  for (Eigen::Index j = 0; j < in.Q.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(in.Q, j); it; ++it) cq = std::max(cq, std::abs(it.value()));
  in.obj_scale = cq > 1.0 ? 1.0 / cq : 1.0;
  in.c *= in.obj_scale;
  in.Q *= in.obj_scale;
  in.Q.makeCompressed();
  return in;
}

struct Iterate {
  Eigen::VectorXd x, y, zl, zu, wl, wu;
};

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

std::vector<std::string> Problem::Validate() const {
  std::vector<std::string> e;
  const Eigen::Index n = c.size(), m = A.rows();
  if (A.cols() != n) e.push_back(fmt::format("A has {} columns, c has {} entries", A.cols(), n));
  if (x_lo.size() != n || x_hi.size() != n) e.push_back("x_lo and x_hi must have one entry per variable");
  if (row_lo.size() != m || row_hi.size() != m) e.push_back("row_lo and row_hi must have one entry per row");
  if (Q.nonZeros() > 0 && (Q.rows() != n || Q.cols() != n)) e.push_back("Q must be n × n");
  if (!e.empty()) return e;
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
  if (Q.nonZeros() > 0) {
    const SparseMatrix d = SparseMatrix(Q.transpose()) - Q;
    for (Eigen::Index j = 0; j < d.outerSize(); ++j)
      for (SparseMatrix::InnerIterator it(d, j); it; ++it)
        if (std::abs(it.value()) > 1e-12) {
          e.push_back("Q must be symmetric (give both triangles)");
          return e;
        }
    for (Eigen::Index j = 0; j < Q.outerSize(); ++j)
      for (SparseMatrix::InnerIterator it(Q, j); it; ++it)
        if (it.row() == it.col() && it.value() < 0.0) e.push_back(fmt::format("Q({0}, {0}) < 0: not positive semidefinite", j));
  }
  return e;
}

std::vector<std::string> Options::Validate() const {
  std::vector<std::string> e;
  if (!(tolerance > 0.0 && tolerance < 1.0)) e.push_back(fmt::format("tolerance must be in (0, 1), found {}", tolerance));
  if (max_iterations < 1) e.push_back(fmt::format("max_iterations must be >= 1, found {}", max_iterations));
  return e;
}

Result Solve(const Problem& p, const Options& opt) {
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
  auto kkt = MakeKktSolver(path, in.A, in.Q);
  result.info.linear_solver = path;
  result.info.bandwidth = path == LinearSolver::kBanded ? bw : 0;

  Eigen::ArrayXd has_lo(n), has_hi(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    has_lo[j] = std::isfinite(in.lo[j]) ? 1.0 : 0.0;
    has_hi[j] = std::isfinite(in.hi[j]) ? 1.0 : 0.0;
  }
  const double ncomp = std::max(1.0, has_lo.sum() + has_hi.sum());

  // Starting point: strictly inside the bounds, duals of unit size.
  Iterate it;
  it.x.resize(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double l = in.lo[j], u = in.hi[j];
    double x = 0.0;
    if (has_lo[j] && has_hi[j]) x = 0.5 * (l + u);
    else if (has_lo[j]) x = l + std::max(1.0, 0.0);
    else if (has_hi[j]) x = u - 1.0;
    it.x[j] = x;
  }
  if (opt.warm_start && opt.warm_start->x.size() == p.num_vars()) {
    for (Eigen::Index j = 0; j < p.num_vars(); ++j) {
      const int col = in.col_of_var[static_cast<std::size_t>(j)];
      if (col < 0) continue;
      const double l = in.lo[col], u = in.hi[col];
      const double margin = (has_lo[col] && has_hi[col]) ? 0.05 * (u - l) : 0.1;
      double x = opt.warm_start->x[j] / in.col_scale[col];
      if (has_lo[col]) x = std::max(x, l + margin);
      if (has_hi[col]) x = std::min(x, u - margin);
      it.x[col] = x;
    }
  }
  it.wl = (it.x - in.lo).cwiseProduct(has_lo.matrix());
  it.wu = (in.hi - it.x).cwiseProduct(has_hi.matrix());
  for (Eigen::Index j = 0; j < n; ++j) {
    if (!has_lo[j]) it.wl[j] = 1.0;
    if (!has_hi[j]) it.wu[j] = 1.0;
  }
  it.y = Eigen::VectorXd::Zero(m);
  it.zl = has_lo.matrix();
  it.zu = has_hi.matrix();

  // Unscaled norms for the termination tests.
  const Eigen::VectorXd b_un = in.b.cwiseQuotient(in.row_scale);
  double bound_norm = NormInf(b_un);
  for (Eigen::Index j = 0; j < n; ++j) {
    if (has_lo[j]) bound_norm = std::max(bound_norm, std::abs(in.lo[j] * in.col_scale[j]));
    if (has_hi[j]) bound_norm = std::max(bound_norm, std::abs(in.hi[j] * in.col_scale[j]));
  }
  const double c_norm = NormInf(in.c.cwiseQuotient(in.col_scale) / in.obj_scale);

  Eigen::VectorXd rp(m), rd(n), dx(n), dy(m), dzl(n), dzu(n), rx(n), qx = Eigen::VectorXd::Zero(n), d(n);
  Eigen::VectorXd rcl(n), rcu(n);
  const double* lo = in.lo.data();
  const double* hi = in.hi.data();
  const double* hl = has_lo.data();
  const double* hu = has_hi.data();
  const bool qp = in.Q.nonZeros() > 0;
  const Eigen::VectorXd inv_row = in.row_scale.cwiseInverse(), inv_col = in.col_scale.cwiseInverse();
  auto residuals = [&]() {
    if (qp) qx = in.Q * it.x;
    rp = in.b;
    rp.noalias() -= in.A * it.x;
    rd.noalias() = -(in.A.transpose() * it.y);
    for (Eigen::Index j = 0; j < n; ++j) rd[j] += in.c[j] + qx[j] - hl[j] * it.zl[j] + hu[j] * it.zu[j];
  };
  auto measures = [&](double* pres, double* dres, double* gap, double* pobj_un, double* dobj_un) {
    double pr = 0.0, dr = 0.0;
    for (Eigen::Index i = 0; i < m; ++i) pr = std::max(pr, std::abs(rp[i] * inv_row[i]));
    double po = 0.0, quad = 0.0, dob = in.b.dot(it.y);
    for (Eigen::Index j = 0; j < n; ++j) {
      dr = std::max(dr, std::abs(rd[j] * inv_col[j]));
      po += in.c[j] * it.x[j];
      quad += it.x[j] * qx[j];
      if (hl[j] != 0.0) dob += lo[j] * it.zl[j];
      if (hu[j] != 0.0) dob -= hi[j] * it.zu[j];
    }
    po += 0.5 * quad;
    dob -= 0.5 * quad;
    *pres = pr / (1.0 + bound_norm);
    *dres = dr / in.obj_scale / (1.0 + c_norm);
    *pobj_un = po / in.obj_scale;
    *dobj_un = dob / in.obj_scale;
    *gap = std::abs(*pobj_un - *dobj_un) / (1.0 + std::abs(*pobj_un));
  };
  // Certificates (on the scaled problem; scaling preserves signs and zero patterns).
  auto primal_infeasible = [&]() {
    double norm = NormInf(it.y);
    for (Eigen::Index j = 0; j < n; ++j) norm = std::max({norm, hl[j] * it.zl[j], hu[j] * it.zu[j]});
    if (!(norm > 0)) return false;
    const Eigen::VectorXd yh = it.y / norm;
    Eigen::VectorXd r = in.A.transpose() * yh;
    double farkas = in.b.dot(yh);
    for (Eigen::Index j = 0; j < n; ++j) {
      const double zl = hl[j] * it.zl[j] / norm, zu = hu[j] * it.zu[j] / norm;
      r[j] += zl - zu;
      if (hl[j] != 0.0) farkas += lo[j] * zl;
      if (hu[j] != 0.0) farkas -= hi[j] * zu;
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
      if (hl[j] != 0.0 && xh[j] < -params::kInfeasibilityTol) return false;
      if (hu[j] != 0.0 && xh[j] > params::kInfeasibilityTol) return false;
    }
    return in.c.dot(xh) < -params::kInfeasibilityTol;
  };
  // Largest steps keeping w and z positive, in one pass.
  auto max_steps = [&](double* ap, double* ad) {
    double a = 1.0, b = 1.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (hl[j] != 0.0) {
        if (dx[j] < 0.0) a = std::min(a, -it.wl[j] / dx[j]);
        if (dzl[j] < 0.0) b = std::min(b, -it.zl[j] / dzl[j]);
      }
      if (hu[j] != 0.0) {
        if (dx[j] > 0.0) a = std::min(a, it.wu[j] / dx[j]);
        if (dzu[j] < 0.0) b = std::min(b, -it.zu[j] / dzu[j]);
      }
    }
    *ap = a;
    *ad = b;
  };
  // Newton direction for complementarity right-hand sides rcl, rcu.
  auto solve = [&]() {
    for (Eigen::Index j = 0; j < n; ++j) {
      double r = -rd[j];
      if (hl[j] != 0.0) r += rcl[j] / it.wl[j];
      if (hu[j] != 0.0) r -= rcu[j] / it.wu[j];
      rx[j] = r;
    }
    kkt->Solve(rx, rp, &dx, &dy);
    for (int r = 0; r < params::kRefinementSteps; ++r) {  // against the unregularized system
      Eigen::VectorXd hx = d.cwiseProduct(dx);
      if (qp) hx += in.Q * dx;
      const Eigen::VectorXd ex = rx - (hx - in.A.transpose() * dy);
      const Eigen::VectorXd ey = rp - in.A * dx;
      Eigen::VectorXd cx, cy;
      kkt->Solve(ex, ey, &cx, &cy);
      dx += cx;
      dy += cy;
    }
    for (Eigen::Index j = 0; j < n; ++j) {
      dzl[j] = hl[j] != 0.0 ? (rcl[j] - it.zl[j] * dx[j]) / it.wl[j] : 0.0;
      dzu[j] = hu[j] != 0.0 ? (rcu[j] + it.zu[j] * dx[j]) / it.wu[j] : 0.0;
    }
  };

  Status status = Status::kMaxIterations;
  double pres = 0, dres = 0, gap = 0, pobj = 0, dobj = 0;
  int iter = 0;
  int stalls = 0;
  for (; iter <= opt.max_iterations; ++iter) {
    residuals();
    measures(&pres, &dres, &gap, &pobj, &dobj);
    if (!std::isfinite(pres) || !std::isfinite(dres) || !std::isfinite(gap)) {
      status = Status::kNumericalError;
      break;
    }
    if (pres <= opt.tolerance && dres <= opt.tolerance && gap <= opt.tolerance) {
      status = Status::kOptimal;
      break;
    }
    const double big = std::max({NormInf(it.x), NormInf(it.y), NormInf(it.zl), NormInf(it.zu)});
    if (big > params::kDivergence * 1e-4) {
      if (primal_infeasible()) { status = Status::kPrimalInfeasible; break; }
      if (dual_infeasible()) { status = Status::kDualInfeasible; break; }
    }
    if (iter == opt.max_iterations) break;
    double comp = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      double dj = 0.0;
      if (hl[j] != 0.0) {
        comp += it.wl[j] * it.zl[j];
        dj += it.zl[j] / it.wl[j];
      }
      if (hu[j] != 0.0) {
        comp += it.wu[j] * it.zu[j];
        dj += it.zu[j] / it.wu[j];
      }
      d[j] = dj;
      rcl[j] = -hl[j] * it.wl[j] * it.zl[j];  // predictor (affine scaling) right-hand sides
      rcu[j] = -hu[j] * it.wu[j] * it.zu[j];
    }
    const double mu = comp / ncomp;
    if (!kkt->Factorize(d)) {
      status = Status::kNumericalError;
      break;
    }
    solve();
    double ap, ad;
    max_steps(&ap, &ad);
    if (qp) ap = ad = std::min(ap, ad);
    double mu_aff = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (hl[j] != 0.0) mu_aff += (it.wl[j] + ap * dx[j]) * (it.zl[j] + ad * dzl[j]);
      if (hu[j] != 0.0) mu_aff += (it.wu[j] - ap * dx[j]) * (it.zu[j] + ad * dzu[j]);
    }
    mu_aff /= ncomp;
    const double sigma = std::pow(std::clamp(mu_aff / mu, 0.0, 1.0), 3);
    // Corrector (Mehrotra): centring plus the second-order term of the affine step.
    const double smu = sigma * mu;
    for (Eigen::Index j = 0; j < n; ++j) {
      rcl[j] = hl[j] != 0.0 ? smu - it.wl[j] * it.zl[j] - dx[j] * dzl[j] : 0.0;
      rcu[j] = hu[j] != 0.0 ? smu - it.wu[j] * it.zu[j] + dx[j] * dzu[j] : 0.0;
    }
    solve();
    max_steps(&ap, &ad);
    if (qp) ap = ad = std::min(ap, ad);
    const double tau = std::max(params::kStepFraction, 1.0 - mu);
    ap = std::min(1.0, tau * ap);
    ad = std::min(1.0, tau * ad);
    it.y.noalias() += ad * dy;
    for (Eigen::Index j = 0; j < n; ++j) {
      it.x[j] += ap * dx[j];
      if (hl[j] != 0.0) {
        it.wl[j] += ap * dx[j];
        it.zl[j] += ad * dzl[j];
      }
      if (hu[j] != 0.0) {
        it.wu[j] -= ap * dx[j];
        it.zu[j] += ad * dzu[j];
      }
    }
    stalls = (ap < 1e-10 && ad < 1e-10) ? stalls + 1 : 0;
    if (stalls >= 5) break;
  }
  if (status == Status::kMaxIterations) {
    if (primal_infeasible()) status = Status::kPrimalInfeasible;
    else if (dual_infeasible()) status = Status::kDualInfeasible;
    else if (pres <= opt.tolerance * params::kInaccurateFactor && dres <= opt.tolerance * params::kInaccurateFactor &&
             gap <= opt.tolerance * params::kInaccurateFactor) status = Status::kOptimalInaccurate;
  }

  // Back to the original variables, rows and units.
  const Eigen::Index n0 = p.num_vars(), m0 = p.num_rows();
  Solution& s = result.solution;
  s.x.resize(n0);
  for (Eigen::Index j = 0; j < n0; ++j) {
    const int col = in.col_of_var[static_cast<std::size_t>(j)];
    s.x[j] = col < 0 ? in.fixed_value[j] : it.x[col] * in.col_scale[col];
  }
  s.y = Eigen::VectorXd::Zero(m0);
  for (Eigen::Index i = 0; i < m0; ++i) s.y[i] = in.free_row[static_cast<std::size_t>(i)] ? 0.0 : it.y[i] * in.row_scale[i] / in.obj_scale;
  // Reduced costs z = c + Qx − Aᵀy for every variable (fixed ones included).
  s.z = p.c - p.A.transpose() * s.y;
  if (p.Q.nonZeros() > 0) s.z += p.Q * s.x;
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

}  // namespace essim::opt
