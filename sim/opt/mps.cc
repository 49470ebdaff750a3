#include "sim/opt/mps.h"

#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace essim::opt {
namespace {

std::string Clean(std::string s) {
  for (char& ch : s) {
    if (ch == ' ' || ch == '\t') ch = '_';
  }
  return s;
}

std::string Num(double v) { return fmt::format("{:.17g}", v); }

}  // namespace

void WriteFreeMps(const Problem& p, const std::string& name, const std::function<void(std::string_view)>& emit) {
  const Eigen::Index n = p.num_vars(), m = p.num_rows();
  std::vector<std::string> vn(static_cast<std::size_t>(n)), rn(static_cast<std::size_t>(m));
  for (Eigen::Index j = 0; j < n; ++j) {
    vn[static_cast<std::size_t>(j)] = j < static_cast<Eigen::Index>(p.var_names.size()) ? Clean(p.var_names[static_cast<std::size_t>(j)]) : fmt::format("x{}", j);
  }
  for (Eigen::Index i = 0; i < m; ++i) {
    rn[static_cast<std::size_t>(i)] = i < static_cast<Eigen::Index>(p.row_names.size()) ? Clean(p.row_names[static_cast<std::size_t>(i)]) : fmt::format("r{}", i);
  }
  // Handed on in pieces of about 1 MB (a year at 15 minutes is ~40 MB of text).
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  fmt::memory_buffer out;
  auto put = [&out](std::string_view s) { out.append(s.data(), s.data() + s.size()); };
  auto hand_on = [&]() {
    if (out.size() < kPiece) return;
    emit(std::string_view(out.data(), out.size()));
    out.clear();
  };
  fmt::format_to(std::back_inserter(out), "NAME {}\nROWS\n N obj\n", Clean(name));
  std::vector<char> type(static_cast<std::size_t>(m));
  for (Eigen::Index i = 0; i < m; ++i) {
    const double lo = p.row_lo[i], hi = p.row_hi[i];
    char t = 'N';
    if (lo == hi) t = 'E';
    else if (std::isfinite(lo)) t = 'G';  // with a range when hi is finite too
    else if (std::isfinite(hi)) t = 'L';
    type[static_cast<std::size_t>(i)] = t;
    if (t == 'N') fmt::format_to(std::back_inserter(out), " N {}\n", rn[static_cast<std::size_t>(i)]);
    else fmt::format_to(std::back_inserter(out), " {} {}\n", t, rn[static_cast<std::size_t>(i)]);
    hand_on();
  }
  // Columns with no objective coefficient and no matrix entry change nothing (e.g. a phase
  // before commissioning); some readers reject their bounds, so they are left out.
  std::vector<bool> empty(static_cast<std::size_t>(n), false);
  int omitted = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    bool used = p.c[j] != 0.0;
    for (SparseMatrix::InnerIterator it(p.A, j); it && !used; ++it) used = it.value() != 0.0;
    if (p.Q.nonZeros() > 0 && j < p.Q.outerSize()) {
      for (SparseMatrix::InnerIterator it(p.Q, j); it && !used; ++it) used = it.value() != 0.0;
    }
    empty[static_cast<std::size_t>(j)] = !used;
    omitted += !used;
  }
  if (omitted > 0) fmt::format_to(std::back_inserter(out), "* {} columns without objective or matrix entries omitted\n", omitted);
  put("COLUMNS\n");
  for (Eigen::Index j = 0; j < n; ++j) {
    if (empty[static_cast<std::size_t>(j)]) continue;
    const std::string& v = vn[static_cast<std::size_t>(j)];
    bool any = false;
    if (p.c[j] != 0.0) {
      fmt::format_to(std::back_inserter(out), " {} obj {}\n", v, Num(p.c[j]));
      any = true;
    }
    for (SparseMatrix::InnerIterator it(p.A, j); it; ++it) {
      if (it.value() == 0.0) continue;
      fmt::format_to(std::back_inserter(out), " {} {} {}\n", v, rn[static_cast<std::size_t>(it.row())], Num(it.value()));
      any = true;
    }
    if (!any) fmt::format_to(std::back_inserter(out), " {} obj 0\n", v);  // keep the column declared
    hand_on();
  }
  put("RHS\n");
  for (Eigen::Index i = 0; i < m; ++i) {
    const char t = type[static_cast<std::size_t>(i)];
    const double rhs = t == 'L' ? p.row_hi[i] : p.row_lo[i];
    if ((t == 'E' || t == 'G' || t == 'L') && rhs != 0.0) {
      fmt::format_to(std::back_inserter(out), " RHS {} {}\n", rn[static_cast<std::size_t>(i)], Num(rhs));
    }
    hand_on();
  }
  bool ranges = false;
  for (Eigen::Index i = 0; i < m; ++i) {
    if (type[static_cast<std::size_t>(i)] == 'G' && std::isfinite(p.row_hi[i])) {
      if (!ranges) put("RANGES\n");
      ranges = true;
      fmt::format_to(std::back_inserter(out), " RNG {} {}\n", rn[static_cast<std::size_t>(i)], Num(p.row_hi[i] - p.row_lo[i]));
    }
  }
  put("BOUNDS\n");
  for (Eigen::Index j = 0; j < n; ++j) {
    if (empty[static_cast<std::size_t>(j)]) continue;
    const std::string& v = vn[static_cast<std::size_t>(j)];
    const double lo = p.x_lo[j], hi = p.x_hi[j];
    if (lo == hi) {
      fmt::format_to(std::back_inserter(out), " FX BND {} {}\n", v, Num(lo));
      continue;
    }
    if (!std::isfinite(lo) && !std::isfinite(hi)) {
      fmt::format_to(std::back_inserter(out), " FR BND {}\n", v);
      continue;
    }
    if (!std::isfinite(lo)) fmt::format_to(std::back_inserter(out), " MI BND {}\n", v);
    else if (lo != 0.0) fmt::format_to(std::back_inserter(out), " LO BND {} {}\n", v, Num(lo));
    if (std::isfinite(hi)) fmt::format_to(std::back_inserter(out), " UP BND {} {}\n", v, Num(hi));
    hand_on();
  }
  if (p.Q.nonZeros() > 0) {
    put("QUADOBJ\n");
    for (Eigen::Index j = 0; j < p.Q.outerSize(); ++j) {
      for (SparseMatrix::InnerIterator it(p.Q, j); it; ++it) {
        if (it.row() >= j && it.value() != 0.0) {
          fmt::format_to(std::back_inserter(out), " {} {} {}\n", vn[static_cast<std::size_t>(j)],
                         vn[static_cast<std::size_t>(it.row())], Num(it.value()));
        }
      }
      hand_on();
    }
  }
  put("ENDATA\n");
  emit(std::string_view(out.data(), out.size()));
}

std::string ToFreeMps(const Problem& p, const std::string& name) {
  std::string text;
  WriteFreeMps(p, name, [&](std::string_view piece) { text.append(piece); });
  return text;
}

}  // namespace essim::opt
