// Free-format MPS export of a Problem, readable by clp, glpsol, HiGHS and others:
// ROWS (N/E/L/G), COLUMNS, RHS, RANGES (two-sided rows as G with a range), BOUNDS
// (written explicitly: FR, MI, LO, UP, FX), QUADOBJ for the quadratic part (lower
// triangle, CPLEX/Clp convention ½ xᵀQx). The objective constant is not written.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sim/opt/solver.h"

namespace essim::opt {

//! The MPS text. Names come from the problem (spaces are replaced) or x<j>, r<i>.
std::string ToFreeMps(const Problem& p, const std::string& name);
//! The same text handed to `emit` in pieces of about 1 MB, in order.
void WriteFreeMps(const Problem& p, const std::string& name, const std::function<void(std::string_view)>& emit);

}  // namespace essim::opt
