// Free-format MPS export of a Problem, readable by clp, glpsol, HiGHS and others:
// ROWS (N/E/L/G), COLUMNS, RHS, RANGES (two-sided rows as G with a range), BOUNDS
// (written explicitly: FR, MI, LO, UP, FX), QUADOBJ for the quadratic part (lower
// triangle, CPLEX/Clp convention ½ xᵀQx). The objective constant is not written.
#pragma once

#include <string>

#include "sim/opt/solver.h"

namespace essim::opt {

//! The MPS text. Names come from the problem (spaces are replaced) or x<j>, r<i>.
std::string ToFreeMps(const Problem& p, const std::string& name);

}  // namespace essim::opt
