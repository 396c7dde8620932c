// PyGrpcServer: framework/grpc's server as Python sees it (data_bridge._core.GrpcServer),
// its calls served on the HTTP server's loops by GrpcShard (grpc_runner.h).
//
//   core = _core.GrpcServer(settings, methods, loops=threads, runtime=data_bridge.rpc)
//   port = core.start()
//   core.attach(worker)         # on each I/O thread (run_worker): shard i joins its loop
//   core.detach(worker)         # before that loop closes
//   core.shutdown(grace_seconds)
// methods: [(path, kind, rules or None, handler or None, request class, response class)].
// The server has one shard per loop: a call's events and operations stay with one gRPC
// thread and one loop. Events reach the loop through its worker's mailbox (one wake-up fd
// per loop); gRPC's threads never take the GIL. Operations queued while the worker drains
// are kicked to the shard once, after it; those queued from other loop callbacks (a Task,
// a handler's context) once per loop iteration.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_GRPC_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_GRPC_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <vector>

#include "framework/grpc/grpc_server.h"
#include "framework/python/internal/grpc_runner.h"
#include "framework/python/internal/py_server.h"

namespace databridge::python {

class PyGrpcServer final : public rpc::CallSink {
 public:
  // settings: a serialized settings.proto ServerSettings; its host, grpc and TLS fields.
  PyGrpcServer(const pybind11::bytes& settings, pybind11::list methods, int loops,
               pybind11::object runtime);
  ~PyGrpcServer() override;
  int Start();
  void Shutdown(double grace_seconds);
  // The next free shard serves its calls on `worker`'s loop (GIL held, on that loop's thread).
  void Attach(PyWorker& worker);
  void Detach(PyWorker& worker);
  // After the binding layer queued an operation on `call` (GIL held).
  static void OperationQueued(const rpc::GrpcCall& call);
  void Post(rpc::CallEvent event) override;
  void Idle(int shard) override;

 private:
  std::vector<GrpcMethodPy> methods_;
  GrpcRuntime runtime_;
  std::unique_ptr<rpc::GrpcServer> server_;
  std::vector<std::unique_ptr<GrpcShard>> shards_;
  std::mutex mu_;                  // Attach/Detach from several loops' threads
  bool batch_scheduling_ = false;  // settings' grpc.batch_scheduling
};

// Binds GrpcServer, GrpcShard and GrpcCall into module `m`.
void BindGrpc(pybind11::module_& m);

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_PY_GRPC_H_
