#include "framework/grpc/op_queue.h"

#include <grpc/support/time.h>

namespace databridge::rpc {

OpQueue::~OpQueue() { Drain(); }

void OpQueue::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return !armed_ && !running_; });
}

void OpQueue::Submit(std::function<void()> op) {
  std::lock_guard<std::mutex> lock(mu_);
  ops_.push_back(std::move(op));
  if (armed_ || running_) return;  // a batch in progress takes it on its next turn
  armed_ = true;
  alarm_ = std::make_unique<::grpc::Alarm>();
  alarm_->Set(gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(2, GPR_TIMESPAN)),
              [this](bool) { Run(); });
}

void OpQueue::Kick() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!armed_ || kicked_ || ops_.empty()) return;
  kicked_ = true;
  alarm_->Cancel();  // the callback runs at once (not ok): it runs the batch all the same
}

void OpQueue::Run() {
  std::vector<std::function<void()>> batch;
  std::unique_lock<std::mutex> lock(mu_);
  armed_ = false;
  kicked_ = false;
  running_ = true;             // one runner at a time: ops run in the order they were submitted
  fired_ = std::move(alarm_);  // destroyed at the next batch, never inside its callback
  while (!ops_.empty()) {
    batch.swap(ops_);
    lock.unlock();
    for (auto& op : batch) op();
    batch.clear();
    lock.lock();
  }
  running_ = false;
  idle_.notify_all();
}

}  // namespace databridge::rpc
