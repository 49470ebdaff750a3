// Run before any other static initializer of an executable built for x86-64-v3 (ESSIM_SIMD,
// see CMakeLists.txt): on a CPU without AVX2 and FMA it stops with a message instead of an
// illegal-instruction crash. This file alone is compiled for the baseline x86-64.
#include <cstdio>
#include <cstdlib>

namespace essim::app {

#if defined(ESSIM_REQUIRE_X86_64_V3)
[[gnu::constructor(101)]] void RequireX8664V3() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v3")) return;
  std::fputs(
      "essim: this binary was built for x86-64-v3 (AVX2, FMA), which this CPU does not have; "
      "rebuild it here, or with cmake -DESSIM_SIMD=NONE for any x86-64\n",
      stderr);
  std::_Exit(70);
}
#endif

}  // namespace essim::app
