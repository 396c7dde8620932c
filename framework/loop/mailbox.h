// Mailbox: wakes one reactor from another thread (eventfd) and carries closures to it.
//
//   mailbox.Post([&] { worker.BeginShutdown(); });   // any thread
//   mailbox.Drain();                                  // owning thread, when its fd is ready
// Post is thread-safe; Drain runs the closures on the calling thread in post order.
#ifndef DATABRIDGE_FRAMEWORK_LOOP_MAILBOX_H_
#define DATABRIDGE_FRAMEWORK_LOOP_MAILBOX_H_

#include <functional>
#include <mutex>
#include <vector>

#include "absl/status/status.h"

namespace databridge::loop {

class Mailbox {
 public:
  Mailbox() = default;
  ~Mailbox();
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  absl::Status Init();
  void Post(std::function<void()> fn);
  // Makes fd() readable without a closure (the owner has work queued elsewhere).
  void Wake();
  void Drain();
  int fd() const { return event_fd_; }

 private:
  int event_fd_ = -1;
  std::mutex mu_;
  std::vector<std::function<void()>> queue_;
};

}  // namespace databridge::loop

#endif  // DATABRIDGE_FRAMEWORK_LOOP_MAILBOX_H_
