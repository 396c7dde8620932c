#include "framework/loop/mailbox.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace databridge::loop {

Mailbox::~Mailbox() {
  if (event_fd_ >= 0) ::close(event_fd_);
}

absl::Status Mailbox::Init() {
  event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
  return absl::OkStatus();
}

void Mailbox::Post(std::function<void()> fn) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mu_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(fn));
  }
  // Only the first closure since the last Drain's swap needs a wake-up: the ones after it
  // are taken by the same swap. (Drain reads the eventfd before it swaps, so a wake-up for
  // a closure it misses is never consumed by it.)
  if (was_empty) Wake();
}

void Mailbox::Wake() {
  uint64_t one = 1;
  ssize_t unused = ::write(event_fd_, &one, sizeof(one));
  (void)unused;
}

void Mailbox::Drain() {
  uint64_t count;
  ssize_t unused = ::read(event_fd_, &count, sizeof(count));
  (void)unused;
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(queue_);
  }
  for (auto& fn : batch) fn();
}

}  // namespace databridge::loop
