#include "sim/opt/team.h"

#include <system_error>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#if defined(__linux__)
#include <sched.h>
#endif

namespace essim::opt {
namespace {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Waits until `a` differs from `old`: spinning first (~40 µs: the hand-overs between the
// passes of an iteration come within microseconds), then yielding the core (with more
// threads than cores the partner may be waiting for it: a solve on two threads beside
// another took 0.47 s spinning, against ~0.1 s alone), then blocked in the kernel.
inline std::uint32_t AwaitChange(const std::atomic<std::uint32_t>& a, std::uint32_t old) {
  for (int spin = 0; spin < (1 << 11); ++spin) {
    const std::uint32_t v = a.load(std::memory_order_acquire);
    if (v != old) return v;
    CpuRelax();
  }
  for (int turn = 0; turn < (1 << 10); ++turn) {
    const std::uint32_t v = a.load(std::memory_order_acquire);
    if (v != old) return v;
    std::this_thread::yield();
  }
  for (;;) {
    a.wait(old, std::memory_order_acquire);
    const std::uint32_t v = a.load(std::memory_order_acquire);
    if (v != old) return v;
  }
}

// The core the calling thread runs on (−1 where unknown).
inline int CurrentCpu() {
#if defined(__linux__)
  return sched_getcpu();
#else
  return -1;
#endif
}

// Moves the calling thread off `cpu` when it is there and may run elsewhere, and leaves it
// free to run anywhere it could before. Linux starts a new thread on its parent's core at
// times, and a futex wake may put it back there; two threads that hand work to each other
// every few microseconds then share one core until the balancer parts them, which on the
// 2-core VM took milliseconds: the hourly year's first solve on two threads took 15-47 ms
// in fresh processes, against 15-17 ms with this (and 26 ms on one thread).
void LeaveCpu(int cpu) {
#if defined(__linux__)
  if (cpu < 0 || sched_getcpu() != cpu) return;
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || !CPU_ISSET(cpu, &allowed) || CPU_COUNT(&allowed) < 2) return;
  cpu_set_t others = allowed;
  CPU_CLR(cpu, &others);
  if (sched_setaffinity(0, sizeof others, &others) == 0) sched_setaffinity(0, sizeof allowed, &allowed);
#else
  (void)cpu;
#endif
}

}  // namespace

Team::Team(bool helper) {
  if (!helper) return;
  try {
    helper_ = std::thread([this] { Loop(); });
  } catch (const std::system_error&) {
    // No thread to be had (a process or container limit): the halves run in turn.
  }
}

Team::~Team() {
  if (!threaded()) return;
  stop_ = true;
  posted_.fetch_add(1, std::memory_order_release);
  posted_.notify_one();
  helper_.join();
}

void Team::Dispatch(void (*fn)(void*, int), void* arg) {
  fn_ = fn;
  arg_ = arg;
  caller_cpu_.store(CurrentCpu(), std::memory_order_relaxed);
  const std::uint32_t ticket = posted_.fetch_add(1, std::memory_order_release) + 1;
  posted_.notify_one();
  fn(arg, 0);
  std::uint32_t done = finished_.load(std::memory_order_acquire);
  while (done != ticket) done = AwaitChange(finished_, done);
}

void Team::Loop() {
  std::uint32_t seen = 0;
  for (;;) {
    seen = AwaitChange(posted_, seen);
    if (stop_) return;
    LeaveCpu(caller_cpu_.load(std::memory_order_relaxed));
    fn_(arg_, 1);
    finished_.store(seen, std::memory_order_release);
    finished_.notify_one();
  }
}

}  // namespace essim::opt
