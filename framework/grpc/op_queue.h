// OpQueue: runs the binding layer's operations on calls (writes, finishes, reads) on one
// of gRPC's own threads, in batches. Started from the binding layer's thread, each gRPC
// operation would be flushed on its own (a sendmsg per response) and its completion handed
// to another gRPC thread; run together from an alarm's callback, a batch's responses share
// the transport's writes and completions stay on that thread.
//
//   ops.Submit([call] { ... reactor op ... });   // any thread; FIFO
//   ...
//   ops.Kick();   // once the submitter's own batch is complete
// Batching on the submitting side matters as much: an alarm fired at every Submit would
// wake a gRPC thread per operation. Thread-safe; the owner calls Drain before destroying
// the queue.
#ifndef DATABRIDGE_FRAMEWORK_GRPC_OP_QUEUE_H_
#define DATABRIDGE_FRAMEWORK_GRPC_OP_QUEUE_H_

#include <grpcpp/alarm.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace databridge::rpc {

class OpQueue {
 public:
  OpQueue() = default;
  OpQueue(const OpQueue&) = delete;
  OpQueue& operator=(const OpQueue&) = delete;
  ~OpQueue();

  // Queues `op`; the caller Kick()s once it has submitted what it has (a fallback alarm
  // runs the batch 2 ms later otherwise).
  void Submit(std::function<void()> op);
  // Runs the pending batch now (on a gRPC thread, soon).
  void Kick();
  // Until every submitted op has run (shutdown: nothing may call back into a dead queue).
  void Drain();

 private:
  void Run();

  std::mutex mu_;
  std::vector<std::function<void()>> ops_;
  bool armed_ = false;
  bool kicked_ = false;
  bool running_ = false;
  std::condition_variable idle_;
  std::unique_ptr<::grpc::Alarm> alarm_;  // the armed one
  std::unique_ptr<::grpc::Alarm> fired_;  // kept until the next batch: its callback ran
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_OP_QUEUE_H_
