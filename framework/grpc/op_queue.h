// OpQueue: the binding layer's operations on calls (writes, finishes, reads), carried out in
// batches on the thread that drives their completion queue, where the calls' own events
// run too: a call is only ever touched by that thread, and a batch's completions are
// picked up without waking another one.
//
//   ops.Submit([call] { ... });   // any thread; FIFO
//   ...
//   ops.Kick();                   // once the submitter's batch is complete
// Kick posts one alarm on the completion queue (none while one is pending), whose tag runs
// everything queued by then. Close() before the completion queue shuts down: later
// operations are dropped (their calls are over by then).
#ifndef DATABRIDGE_FRAMEWORK_GRPC_OP_QUEUE_H_
#define DATABRIDGE_FRAMEWORK_GRPC_OP_QUEUE_H_

#include <grpcpp/alarm.h>
#include <grpcpp/completion_queue.h>

#include <functional>
#include <mutex>
#include <vector>

#include "framework/grpc/cq_tag.h"

namespace databridge::rpc {

class OpQueue final : public CqTag {
 public:
  explicit OpQueue(::grpc::CompletionQueue* cq) : cq_(cq) {}
  OpQueue(const OpQueue&) = delete;
  OpQueue& operator=(const OpQueue&) = delete;

  void Submit(std::function<void()> op);
  void Kick();
  void Close();

 private:
  void Complete(bool ok) override;  // the alarm fired: run the batch

  ::grpc::CompletionQueue* const cq_;
  std::mutex mu_;
  std::vector<std::function<void()>> ops_;
  bool armed_ = false;
  bool closed_ = false;
  ::grpc::Alarm alarm_;
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_OP_QUEUE_H_
