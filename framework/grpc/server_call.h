// ServerCall: serves one call of one method on gRPC's asynchronous API, on one shard (a
// completion queue and the thread that drives it; every event and operation of the call
// runs there). It asks gRPC for the call, starts the next request for its method when the
// call arrives, reports the call's events to the sink and carries out what the binding
// layer asks through the call's GrpcCall handle; it deletes itself once the call is done
// and nothing of it is in flight.
//
//   ServerCall::Await(&slot, &shard);   // per method and shard, a few at a time
#ifndef DATABRIDGE_FRAMEWORK_GRPC_SERVER_CALL_H_
#define DATABRIDGE_FRAMEWORK_GRPC_SERVER_CALL_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/support/async_stream.h>
#include <grpcpp/support/async_unary_call.h>

#include <deque>
#include <string>

#include "framework/grpc/grpc_call.h"
#include "framework/grpc/op_queue.h"

namespace databridge::rpc {

// A proto service's methods, registered raw (bytes in, bytes out) and asynchronous, under
// the service's own name, so gRPC routes by path and reflection lists the service. Unary
// methods are registered as unary (gRPC reads the request as the call is matched), every
// other kind as a bidirectional stream (the same wire form).
class RawService final : public ::grpc::Service {
 public:
  // Registers a method; its index in this service.
  int Add(const std::string& path, CallKind kind);
  void RequestUnary(int index, ::grpc::ServerContext* context, ::grpc::ByteBuffer* request,
                    ::grpc::ServerAsyncResponseWriter<::grpc::ByteBuffer>* responder,
                    ::grpc::ServerCompletionQueue* cq, void* tag);
  void RequestStream(
      int index, ::grpc::ServerContext* context,
      ::grpc::ServerAsyncReaderWriter<::grpc::ByteBuffer, ::grpc::ByteBuffer>* stream,
      ::grpc::ServerCompletionQueue* cq, void* tag);

 private:
  int count_ = 0;
};

// One completion queue and the operations queued for its thread.
struct Shard {
  int index = 0;
  ::grpc::ServerCompletionQueue* cq = nullptr;
  OpQueue* ops = nullptr;
};

// Where a method's calls are requested.
struct MethodSlot {
  RawService* service = nullptr;
  int service_index = 0;  // the method's index in `service`
  int method = 0;         // its index in the server's method list
  const MethodSpec* spec = nullptr;
  CallSink* sink = nullptr;  // where its calls' events go
};

class ServerCall {
 public:
  // Asks gRPC for the next call of `slot` on `shard` (shard thread, or before it runs).
  static void Await(const MethodSlot* slot, const Shard* shard);

  // --- the handle's operations, on the shard's thread ---
  void RequestRead();
  void Write(std::string message);
  void WaitWritable(size_t below);
  void SendInitialMetadata(const Metadata& metadata);
  void Finish(::grpc::Status status, const Metadata& trailing);

 private:
  ServerCall(const MethodSlot* slot, const Shard* shard);
  ~ServerCall() = default;

  // Completions (tags).
  void OnStarted(bool ok);
  void OnRead(bool ok);
  void OnWrite(bool ok);
  void OnSent(bool ok);  // initial metadata, or the final status
  void OnDone(bool ok);  // the call is over (answered or cancelled)

  bool unary() const { return slot_->spec->kind == CallKind::kUnary; }
  void Post(CallEvent::Kind kind, std::string message = {});
  // Field rules: a request that breaks them ends the call; true then.
  bool Refused(const std::string& request);
  void Pump();
  void ClearWrites();
  // Deletes this once done and no operation is in flight; the last thing a completion does.
  void Release();

  const MethodSlot* const slot_;
  const Shard* const shard_;
  ::grpc::ServerContext context_;
  ::grpc::ServerAsyncResponseWriter<::grpc::ByteBuffer> unary_;
  ::grpc::ServerAsyncReaderWriter<::grpc::ByteBuffer, ::grpc::ByteBuffer> stream_;
  std::shared_ptr<GrpcCall> call_;
  ::grpc::ByteBuffer read_;
  ::grpc::ByteBuffer response_;  // unary
  bool has_response_ = false;

  MemberTag<ServerCall, &ServerCall::OnStarted> started_tag_{this};
  MemberTag<ServerCall, &ServerCall::OnRead> read_tag_{this};
  MemberTag<ServerCall, &ServerCall::OnWrite> write_tag_{this};
  MemberTag<ServerCall, &ServerCall::OnSent> sent_tag_{this};
  MemberTag<ServerCall, &ServerCall::OnDone> done_tag_{this};

  int in_flight_ = 0;         // operations whose tags have not come back
  bool got_request_ = false;  // server streaming: its one request was read
  bool done_ = false;
  std::deque<::grpc::ByteBuffer> writes_;
  bool writing_ = false;
  bool initial_sent_ = false;
  bool finished_ = false;  // the final status was handed to gRPC (or the call is over)
  bool pending_finish_ = false;
  ::grpc::Status final_status_;
  size_t writable_below_ = 0;
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_SERVER_CALL_H_
