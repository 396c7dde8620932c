// GrpcShard: one loop's share of the gRPC calls, and the C++ that runs their handlers (the
// native half of data_bridge.rpc). Shard i's call events come from gRPC's shard thread i
// through the mailbox of the HTTP worker on the same loop, and are handled in that worker's
// drain, after its HTTP calls, with the same coroutine runner (coroutine_runner.h): the
// first step now, a Task only when the handler really suspends.
//
//   shard.Post(event);                 // a gRPC shard thread: to the worker's mailbox
//   shard.Attach(worker, loop);        // the loop's thread, GIL held
//   ... PyWorker::Drain: RunReady() with the GIL, then Kick() without it
// Per call: unary and server-streaming requests are parsed with the request class's
// FromString; client-streaming and bidi handlers get a RequestStream fed by kMessage /
// kHalfClose. A unary answer is checked against the response class and serialized here;
// a streaming handler's items go through the StreamPump (stream_pump.h) into a sink that
// hands those produced without suspending over together (up to kWriteAhead), sends what it
// holds whenever the handler suspends, and past 2 * kWriteAhead unwritten messages has the
// pump wait for kWritable (the client reads slower) instead of producing more.
// Errors: AbortError -> its status; NotImplementedError -> UNIMPLEMENTED; a malformed
// request -> INTERNAL; cancellation -> nothing (gRPC has answered); anything else ->
// UNKNOWN with a generic message, traceback logged.
#ifndef DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_GRPC_RUNNER_H_
#define DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_GRPC_RUNNER_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "framework/grpc/grpc_server.h"
#include "framework/python/internal/coroutine_runner.h"
#include "framework/python/internal/py_server.h"
#include "framework/python/internal/stream_pump.h"
#include "framework/server/worker.h"

namespace databridge::python {

// The Python half of a gRPC method.
struct GrpcMethodPy {
  std::string path;
  rpc::CallKind kind = rpc::CallKind::kUnary;
  pybind11::object handler;  // None: not implemented
  pybind11::object request_class;
  pybind11::object response_class;
};

// Python objects the runner calls (data_bridge.rpc gathers them).
struct GrpcRuntime {
  pybind11::object context_class;    // GrpcContext(call)
  pybind11::object requests_class;   // RequestStream(call, request_class, loop)
  pybind11::object abort_error;      // AbortError: code, details, status_details, trailing
  pybind11::object log_exception;    // data_bridge._runtime.log_exception
  pybind11::object cancelled_error;  // asyncio.CancelledError
};

struct GrpcCallState;

// Metadata from Python: [(key, str | bytes), ...] (None: none).
rpc::Metadata ToMetadata(pybind11::handle items);

class GrpcShard final : public LoopGuest {
 public:
  static constexpr size_t kWriteAhead = 64;

  GrpcShard(rpc::GrpcServer* server, int index, const std::vector<GrpcMethodPy>* methods,
            const GrpcRuntime* runtime);
  ~GrpcShard() override;
  GrpcShard(const GrpcShard&) = delete;
  GrpcShard& operator=(const GrpcShard&) = delete;

  // The gRPC shard's thread: the event waits for the attached worker's loop; Publish, when
  // that thread runs out of completions, wakes the loop once for all of them.
  void Post(rpc::CallEvent event);
  void Publish();
  // GIL held, on the loop's thread.
  void Attach(server::Worker* worker, std::shared_ptr<TaskHost> host);
  void Detach();
  bool attached() const { return worker_ != nullptr; }
  // After Python queued an operation on one of this shard's calls (GIL held).
  void OperationQueued();
  void Flush();  // carries out queued operations now

  // LoopGuest
  void RunReady() override;
  void Kick() override;

  // For the streaming sink (GrpcStreamSink, grpc_runner.cc), GIL held.
  // Hands the batch over; true when the pump must wait for kWritable.
  bool FlushBatch(GrpcCallState& state);
  void EndStream(const std::shared_ptr<GrpcCallState>& state);
  // The pending Python exception as the call's status; clears it.
  void Fail(const std::shared_ptr<GrpcCallState>& state);
  // The handler's response message serialized; false (exception set) if it is not one.
  bool Serialize(const GrpcCallState& state, PyObject* message, std::string* out);

 private:
  void Handle(rpc::CallEvent& event);
  void Start(const std::shared_ptr<rpc::GrpcCall>& call, const std::string& message);
  void UnaryDone(const std::shared_ptr<GrpcCallState>& state, Outcome outcome, PyObject* value);
  void StartStream(const std::shared_ptr<GrpcCallState>& state, PyObject* iterable);
  void Forget(const GrpcCallState& state);

  rpc::GrpcServer* const server_;
  const int index_;
  const std::vector<GrpcMethodPy>* const methods_;
  const GrpcRuntime* const runtime_;

  std::mutex mu_;                         // guards worker_ and incoming_
  server::Worker* worker_ = nullptr;      // the loop's HTTP worker, while attached
  std::vector<rpc::CallEvent> incoming_;  // posted, not yet taken by RunReady
  bool announced_ = false;                // the worker was woken for incoming_

  // The loop thread's, GIL held.
  std::shared_ptr<TaskHost> host_;  // the loop's
  pybind11::object call_soon_;
  pybind11::object flush_;  // this shard's bound flush
  absl::flat_hash_map<const rpc::GrpcCall*, std::shared_ptr<GrpcCallState>> calls_;
  bool running_ = false;  // inside RunReady: operations are kicked by Kick
  bool kick_ = false;
  bool flush_scheduled_ = false;
};

}  // namespace databridge::python

#endif  // DATABRIDGE_FRAMEWORK_PYTHON_INTERNAL_GRPC_RUNNER_H_
