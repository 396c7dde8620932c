// GrpcCall: one RPC in flight, as the binding layer sees it. gRPC's threads run the call's
// reactor (grpc_call.cc) and report what happens as CallEvents; the binding layer answers
// from its own threads through the call's methods, which are thread-safe and become no-ops
// once the call is over. They do not touch gRPC themselves: each is queued on the server's
// OpQueue and carried out, in order, on a gRPC thread with the others of its batch, once
// the binding layer kicks it (GrpcServer::Flush) or 2 ms later.
//
//   sink->Post({CallEvent::kStart, call, request_bytes});   // gRPC thread
//   call->WriteMany({response_bytes});                        // binding layer, any thread
//   call->Finish(0, "", "", {});                              // OK
// Every kind of RPC is served as a bidirectional stream (the wire is the same): unary and
// server-streaming calls read their one request before kStart; client-streaming and bidi
// calls read on demand (RequestRead -> kMessage, or kHalfClose at the end).
#ifndef DATABRIDGE_FRAMEWORK_GRPC_GRPC_CALL_H_
#define DATABRIDGE_FRAMEWORK_GRPC_GRPC_CALL_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "framework/grpc/op_queue.h"
#include "framework/grpc/request_validator.h"

namespace databridge::rpc {

enum class CallKind { kUnary, kClientStreaming, kServerStreaming, kBidiStreaming };

struct MethodSpec {
  std::string path;  // "/package.Service/Method"
  CallKind kind = CallKind::kUnary;
  // Field rules checked on every request message before the handler sees it (optional).
  std::shared_ptr<const RequestValidator> validator;
};

using Metadata = std::vector<std::pair<std::string, std::string>>;

class GrpcCall;

struct CallEvent {
  enum Kind {
    kStart,      // the call began (unary / server streaming: `message` is the request)
    kMessage,    // a requested message arrived
    kHalfClose,  // the client sent its last message
    kCancelled,  // cancelled by the client, its deadline, or shutdown
    kWritable,   // the write queue drained (after WaitWritable)
  };
  Kind kind;
  std::shared_ptr<GrpcCall> call;
  std::string message;
};

// Where calls' events go (implemented by the binding layer); called on gRPC's threads.
class CallSink {
 public:
  virtual ~CallSink() = default;
  virtual void Post(CallEvent event) = 0;
};

class GrpcCall : public std::enable_shared_from_this<GrpcCall> {
 public:
  // Facts fixed at the start of the call.
  int method() const { return method_; }
  CallKind kind() const { return kind_; }
  const Metadata& metadata() const { return metadata_; }
  const std::string& peer() const { return peer_; }
  // Seconds left before the client's deadline; a negative value when it set none.
  double TimeRemaining() const;
  std::atomic<int> queue{-1};  // the binding layer's: which of its loops serves this call
  void* binding = nullptr;     // the binding layer's: the server that owns that queue

  // Client / bidi streaming: ask for the next message (one kMessage or kHalfClose follows).
  void RequestRead();
  // Queue response messages, in order; returns how many are queued and not yet written
  // (these included).
  size_t WriteMany(std::vector<std::string> messages);
  // Post kWritable once fewer than `below` messages are queued (now, if already so).
  void WaitWritable(size_t below);
  // Initial metadata, sent before the first message (ignored after it).
  void SendInitialMetadata(const Metadata& metadata);
  // Ends the call once queued messages are written. `details`: a serialized
  // google.rpc.Status (grpc-status-details-bin) or empty. Later calls are ignored.
  void Finish(int code, std::string message, std::string details, const Metadata& trailing);
  // A unary answer: the response message and OK, as one operation.
  void Respond(std::string response, const Metadata& trailing);
  bool done() const;

 private:
  friend class CallReactor;
  GrpcCall(int method, CallKind kind, OpQueue* ops) : method_(method), kind_(kind), ops_(ops) {}
  // Runs `op` on the reactor (if the call is not over) from the op queue.
  void Submit(std::function<void(class CallReactor*)> op);

  const int method_;
  const CallKind kind_;
  Metadata metadata_;
  std::string peer_;
  gpr_timespec deadline_{};

  OpQueue* const ops_;
  std::atomic<size_t> unwritten_{0};  // messages given to WriteMany and not yet written

  mutable std::recursive_mutex mu_;
  class CallReactor* reactor_ = nullptr;  // null once the call is over
};

// The reactor factory a server registers for each method (`method`: its index).
::grpc::ServerBidiReactor<::grpc::ByteBuffer, ::grpc::ByteBuffer>* NewCallReactor(
    ::grpc::CallbackServerContext* context, int method, const MethodSpec* spec, CallSink* sink,
    OpQueue* ops);

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_GRPC_CALL_H_
