// Reactor: one epoll set owned by one I/O thread, plus a periodic tick (timerfd).
//
//   Reactor r;  RETURN_IF_ERROR(r.Init(absl::Milliseconds(100)));
//   r.Add(fd, EPOLLIN, /*token=*/id);
//   r.Poll(/*timeout_ms=*/0, [&](uint64_t token, uint32_t events) { ... });
// The epoll fd itself (fd()) becomes readable whenever any registered fd is ready, so an
// outer loop (asyncio's selector) can wait on it: docs/ARCHITECTURE.md's "the loop is the master".
// Tokens are caller-chosen 64-bit ids; kTickToken is reserved for the timer.
// Not thread-safe: every call happens on the owning thread.
#ifndef DATABRIDGE_FRAMEWORK_LOOP_REACTOR_H_
#define DATABRIDGE_FRAMEWORK_LOOP_REACTOR_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"

namespace databridge::loop {

class Reactor {
 public:
  static constexpr uint64_t kTickToken = ~uint64_t{0};

  Reactor() = default;
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Creates the epoll set and a periodic tick every `tick_ms` milliseconds.
  absl::Status Init(int tick_ms);

  absl::Status Add(int fd, uint32_t events, uint64_t token);
  absl::Status Modify(int fd, uint32_t events, uint64_t token);
  void Remove(int fd);

  // Waits up to timeout_ms (0: no wait) and calls on_event for each ready fd; a tick is
  // reported with kTickToken. Returns the number of events handled.
  int Poll(int timeout_ms, const std::function<void(uint64_t token, uint32_t events)>& on_event);

  int fd() const { return epoll_fd_; }

 private:
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
};

}  // namespace databridge::loop

#endif  // DATABRIDGE_FRAMEWORK_LOOP_REACTOR_H_
