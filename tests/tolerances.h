// Named tolerances for all tests: |a − b| <= atol + rtol·|b|.
#pragma once

namespace essim::test {

//! Ledger closure per step, MW (the acceptance bound).
inline constexpr double kLedgerAtolMw = 1e-9;
//! Hand-computed physics on a few steps (a few roundings of doubles).
inline constexpr double kExactRtol = 1e-12;
//! SOC window membership, MWh (rounding of repeated additions).
inline constexpr double kSocAtolMwh = 1e-9;

}  // namespace essim::test
