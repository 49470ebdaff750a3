// Wall-clock timing of runs, phases and solves (steady clock, seconds).
#pragma once

#include <chrono>

namespace essim {

using SteadyTime = std::chrono::steady_clock::time_point;

//! Seconds elapsed since t0.
inline double SecondsSince(SteadyTime t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace essim
