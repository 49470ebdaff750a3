// Text handed on in pieces by a writer (timeseries.csv, the MPS export): the checks every
// such writer must pass, shared by the tests of each.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace essim::test {

//! Calls `write` with a sink that keeps every piece; checks each piece is non-empty, ends at
//! a line's end and is at most about `piece_bytes`; returns the pieces joined, and their
//! count in `count`.
inline std::string JoinWholeLinePieces(const std::function<void(const std::function<void(std::string_view)>&)>& write,
                                       std::size_t* count, std::size_t piece_bytes = std::size_t{1} << 20) {
  std::vector<std::string> pieces;
  write([&](std::string_view s) { pieces.emplace_back(s); });
  std::string joined;
  for (const auto& s : pieces) {
    BOOST_TEST_REQUIRE(!s.empty());
    BOOST_TEST(s.back() == '\n');
    BOOST_TEST(s.size() < piece_bytes + 4096);  // (a piece ends at the first line end past the size)
    joined += s;
  }
  *count = pieces.size();
  return joined;
}

}  // namespace essim::test
