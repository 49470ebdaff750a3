// Fork-join over two fixed halves of the work, for the solver's passes on large problems.
// Run(f) calls f(0) and f(1) and returns when both have returned: on the calling thread and
// one helper thread when the team has a helper, one after the other otherwise. The halves
// are fixed by the data, never by the number of threads, so a solve gives the same bits
// with one thread or two.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>

namespace essim::opt {

class Team {
 public:
  //! With `helper`, a second thread is started; it waits for work (spinning briefly, then
  //! blocked) until the team is destroyed, and moves off the caller's core when it finds
  //! itself there. If the system refuses a thread, the team runs both halves on the
  //! calling thread (the same results).
  explicit Team(bool helper);
  ~Team();
  Team(const Team&) = delete;
  Team& operator=(const Team&) = delete;

  bool threaded() const { return helper_.joinable(); }

  //! f(0) and f(1); f must not throw.
  template <class F>
  void Run(F&& f) {
    if (!threaded()) {
      f(0);
      f(1);
      return;
    }
    using Fn = std::remove_reference_t<F>;
    Dispatch([](void* a, int half) { (*static_cast<Fn*>(a))(half); }, &f);
  }

 private:
  void Dispatch(void (*fn)(void*, int), void* arg);
  void Loop();

  void (*fn_)(void*, int) = nullptr;
  void* arg_ = nullptr;
  bool stop_ = false;
  std::atomic<int> caller_cpu_{-1};  // the core the last Run was called on (a placement hint)
  std::atomic<std::uint32_t> posted_{0}, finished_{0};
  std::thread helper_;
};

}  // namespace essim::opt
