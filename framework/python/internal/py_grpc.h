// PyGrpcServer: framework/grpc's server as Python sees it (data_bridge._core.GrpcServer),
// delivering each call's events to the asyncio loop that serves it.
//
//   core = _core.GrpcServer(config, [("/pkg.Svc/Method", kind), ...], loops=threads)
//   port = core.start()
//   for q in core.queues(): loop.add_reader(q.fileno(), handle, q.drain())   # one per loop
//   core.shutdown(grace_seconds)
// The server has one shard per loop, and queue i gets shard i's calls: a call's events and
// operations stay with one gRPC thread and one loop. A queue is an eventfd plus a locked
// list, drained with the GIL held into [(kind, call, message bytes or None), ...]; gRPC's
// threads never take the GIL. Operations a loop's handlers queue are kicked to their shard
// once per loop iteration (loop.call_soon(queue.flush)).
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_GRPC_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_GRPC_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <vector>

#include "framework/grpc/grpc_server.h"

namespace databridge::python {

class GrpcQueue {
 public:
  // Events of `server`'s shard `shard`.
  GrpcQueue(rpc::GrpcServer* server, int shard);
  ~GrpcQueue();
  GrpcQueue(const GrpcQueue&) = delete;
  GrpcQueue& operator=(const GrpcQueue&) = delete;

  int fileno() const { return fd_; }
  void Push(rpc::CallEvent event);  // any thread
  pybind11::list Drain();           // GIL held
  // The loop this queue's calls run on.
  void Attach(pybind11::object loop);
  // After a handler queued an operation (GIL held): a flush at the end of this loop
  // iteration, or one now when no loop is attached.
  void OperationQueued();
  void Flush();                                       // GIL held
  void Detach() { call_soon_ = pybind11::object(); }  // GIL held: drops the loop

 private:
  int fd_;
  rpc::GrpcServer* const server_;
  const int shard_;
  pybind11::object call_soon_;
  pybind11::object flush_;  // this queue's bound Flush
  bool flush_scheduled_ = false;
  std::mutex mu_;
  std::vector<rpc::CallEvent> events_;
};

class PyGrpcServer final : public rpc::CallSink {
 public:
  // settings: a serialized settings.proto ServerSettings; its host, grpc and TLS fields.
  PyGrpcServer(const pybind11::bytes& settings, pybind11::list methods, int loops);
  int Start();
  void Shutdown(double grace_seconds);
  // After the binding layer queued an operation on `call` (GIL held).
  static void OperationQueued(const rpc::GrpcCall& call);
  pybind11::list queues();
  void Post(rpc::CallEvent event) override;

 private:
  std::vector<std::unique_ptr<GrpcQueue>> queues_;
  std::unique_ptr<rpc::GrpcServer> server_;
};

// Binds GrpcServer, GrpcQueue and GrpcCall into module `m`.
void BindGrpc(pybind11::module_& m);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_GRPC_H_
