#include "framework/loop/reactor.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace databridge::loop {
namespace {
absl::Status Errno(const char* what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}
}  // namespace

Reactor::~Reactor() {
  if (timer_fd_ >= 0) ::close(timer_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

absl::Status Reactor::Init(int tick_ms) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return Errno("epoll_create1");
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ < 0) return Errno("timerfd_create");
  itimerspec spec{};
  spec.it_interval.tv_sec = tick_ms / 1000;
  spec.it_interval.tv_nsec = (tick_ms % 1000) * 1000000L;
  spec.it_value = spec.it_interval;
  if (::timerfd_settime(timer_fd_, 0, &spec, nullptr) != 0) return Errno("timerfd_settime");
  return Add(timer_fd_, EPOLLIN, kTickToken);
}

absl::Status Reactor::Add(int fd, uint32_t events, uint64_t token) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return Errno("epoll_ctl(ADD)");
  return absl::OkStatus();
}

absl::Status Reactor::Modify(int fd, uint32_t events, uint64_t token) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) return Errno("epoll_ctl(MOD)");
  return absl::OkStatus();
}

void Reactor::Remove(int fd) { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

int Reactor::Poll(int timeout_ms,
                  const std::function<void(uint64_t token, uint32_t events)>& on_event) {
  epoll_event events[256];
  int n = ::epoll_wait(epoll_fd_, events, 256, timeout_ms);
  if (n <= 0) return 0;
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == kTickToken) {
      uint64_t expirations;
      ssize_t unused = ::read(timer_fd_, &expirations, sizeof(expirations));
      (void)unused;
    }
    on_event(events[i].data.u64, events[i].events);
  }
  return n;
}

}  // namespace databridge::loop
