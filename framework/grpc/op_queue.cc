#include "framework/grpc/op_queue.h"

#include <grpc/support/time.h>

namespace databridge::rpc {

void OpQueue::Submit(std::function<void()> op) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!closed_) ops_.push_back(std::move(op));
}

void OpQueue::Kick() {
  std::lock_guard<std::mutex> lock(mu_);
  if (armed_ || closed_ || ops_.empty()) return;
  armed_ = true;
  alarm_.Set(cq_, gpr_inf_past(GPR_CLOCK_MONOTONIC), static_cast<CqTag*>(this));
}

void OpQueue::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  ops_.clear();
}

void OpQueue::Complete(bool) {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = false;
    batch.swap(ops_);
  }
  for (auto& op : batch) op();
}

}  // namespace databridge::rpc
