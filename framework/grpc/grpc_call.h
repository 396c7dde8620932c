// GrpcCall: one RPC in flight, as the binding layer sees it. A ServerCall (server_call.h)
// serves it on gRPC's asynchronous API, driven by the thread of the completion queue the
// call arrived on (its shard), and reports what happens as CallEvents; the binding layer
// answers from its own threads through the handle's methods, which are thread-safe and
// become no-ops once the call is over. They do not touch gRPC themselves: each is queued on
// the shard's OpQueue and carried out, in order, on the shard's thread with the others of
// its batch once the binding layer kicks it (GrpcServer::Flush).
//
//   sink->Post({CallEvent::kStart, call, request_bytes});   // the shard's thread
//   call->Respond(response_bytes, {});                        // binding layer, any thread
//   server->Flush(call->shard());
// Unary and server-streaming calls carry their one request in kStart; client-streaming and
// bidi calls read on demand (RequestRead -> kMessage, or kHalfClose at the end).
#ifndef DATABRIDGE_FRAMEWORK_GRPC_GRPC_CALL_H_
#define DATABRIDGE_FRAMEWORK_GRPC_GRPC_CALL_H_

#include <grpc/support/time.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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
class ServerCall;  // server_call.h
class OpQueue;

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

// Where calls' events go (implemented by the binding layer); called on the shards' threads.
class CallSink {
 public:
  virtual ~CallSink() = default;
  // The sink may hold the event back (not wake its consumer) until Idle.
  virtual void Post(CallEvent event) = 0;
  // Shard `shard`'s thread has no ready completion left and is about to block: whatever
  // Post held back from it must now reach its consumer. One wake-up per burst, not per event.
  virtual void Idle(int shard) { (void)shard; }
};

class GrpcCall : public std::enable_shared_from_this<GrpcCall> {
 public:
  // Facts fixed at the start of the call.
  int method() const { return method_; }
  CallKind kind() const { return kind_; }
  int shard() const { return shard_; }
  const Metadata& metadata() const { return metadata_; }
  const std::string& peer() const { return peer_; }
  // Seconds left before the client's deadline; a negative value when it set none.
  double TimeRemaining() const;
  void* binding = nullptr;  // the binding layer's

  // Client / bidi streaming: ask for the next message (one kMessage or kHalfClose follows).
  void RequestRead();
  // Queue response messages, in order; returns how many are queued and not yet written
  // (these included).
  size_t WriteMany(std::vector<std::string> messages);
  // Post kWritable once fewer than `below` messages are queued (now, if already so).
  void WaitWritable(size_t below);
  // Initial metadata, sent before the first message (ignored after it).
  void SendInitialMetadata(Metadata metadata);
  // Ends the call once queued messages are written. `details`: a serialized
  // google.rpc.Status (grpc-status-details-bin) or empty. Later calls are ignored.
  void Finish(int code, std::string message, std::string details, Metadata trailing);
  // A unary answer: the response message and OK, as one operation.
  void Respond(std::string response, Metadata trailing);
  bool done() const { return done_.load(std::memory_order_acquire); }

 private:
  friend class ServerCall;
  GrpcCall(int method, CallKind kind, int shard, OpQueue* ops)
      : method_(method), kind_(kind), shard_(shard), ops_(ops) {}
  // Runs `op` on the shard's thread, if the call is not over by then.
  void Submit(std::function<void(ServerCall*)> op);

  const int method_;
  const CallKind kind_;
  const int shard_;
  Metadata metadata_;
  std::string peer_;
  gpr_timespec deadline_{};

  OpQueue* const ops_;
  std::atomic<size_t> unwritten_{0};  // messages given to WriteMany and not yet written
  std::atomic<bool> done_{false};
  ServerCall* server_call_ = nullptr;  // the shard thread's; null once the call is over
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_GRPC_CALL_H_
