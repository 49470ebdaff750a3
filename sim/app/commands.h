// The `essim` command line: run, validate, reference, export-lp, compare, sweep, sweep-merge.
#pragma once

#include "sim/app/run.h"

namespace essim::app {

//! Exit codes: success, a failure while running, a usage or scenario error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

//! The command line; returns the process exit code.
int Main(int argc, char** argv);

}  // namespace essim::app
