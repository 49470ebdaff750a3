#include "sim/opt/team.h"

#include <system_error>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
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
    fn_(arg_, 1);
    finished_.store(seen, std::memory_order_release);
    finished_.notify_one();
  }
}

}  // namespace essim::opt
