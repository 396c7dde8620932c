#include "framework/grpc/server_call.h"

#include <grpcpp/impl/rpc_service_method.h>

#include <utility>

namespace databridge::rpc {

namespace {

std::string ToString(const ::grpc::ByteBuffer& buffer) {
  std::vector<::grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const ::grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

// A small message is copied: one allocation holds the slice's count and bytes (none up to
// its inline size), where handing the string over costs two (the string object, the
// count). A big one is handed over, not copied.
::grpc::ByteBuffer ToBuffer(std::string bytes) {
  constexpr size_t kCopyUpTo = 4096;
  if (bytes.size() <= kCopyUpTo) {
    ::grpc::Slice slice(bytes.data(), bytes.size());
    return ::grpc::ByteBuffer(&slice, 1);
  }
  auto* owned = new std::string(std::move(bytes));
  ::grpc::Slice slice(
      owned->data(), owned->size(), [](void* p) { delete static_cast<std::string*>(p); }, owned);
  return ::grpc::ByteBuffer(&slice, 1);
}

}  // namespace

int RawService::Add(const std::string& path, CallKind kind) {
  using ::grpc::internal::RpcMethod;
  AddMethod(new ::grpc::internal::RpcServiceMethod(
      path.c_str(), kind == CallKind::kUnary ? RpcMethod::NORMAL_RPC : RpcMethod::BIDI_STREAMING,
      nullptr));
  MarkMethodRaw(count_);
  return count_++;
}

void RawService::RequestUnary(int index, ::grpc::ServerContext* context,
                              ::grpc::ByteBuffer* request,
                              ::grpc::ServerAsyncResponseWriter<::grpc::ByteBuffer>* responder,
                              ::grpc::ServerCompletionQueue* cq, void* tag) {
  RequestAsyncUnary(index, context, request, responder, cq, cq, tag);
}

void RawService::RequestStream(
    int index, ::grpc::ServerContext* context,
    ::grpc::ServerAsyncReaderWriter<::grpc::ByteBuffer, ::grpc::ByteBuffer>* stream,
    ::grpc::ServerCompletionQueue* cq, void* tag) {
  RequestAsyncBidiStreaming(index, context, stream, cq, cq, tag);
}

ServerCall::ServerCall(const MethodSlot* slot, const Shard* shard)
    : slot_(slot), shard_(shard), unary_(&context_), stream_(&context_) {}

void ServerCall::Await(const MethodSlot* slot, const Shard* shard) {
  auto* call = new ServerCall(slot, shard);
  call->context_.AsyncNotifyWhenDone(static_cast<CqTag*>(&call->done_tag_));
  ++call->in_flight_;
  void* tag = static_cast<CqTag*>(&call->started_tag_);
  if (call->unary()) {
    slot->service->RequestUnary(slot->service_index, &call->context_, &call->read_, &call->unary_,
                                shard->cq, tag);
  } else {
    slot->service->RequestStream(slot->service_index, &call->context_, &call->stream_, shard->cq,
                                 tag);
  }
}

void ServerCall::OnStarted(bool ok) {
  --in_flight_;
  if (!ok) {  // the server is shutting down: no call, and no done event will follow
    delete this;
    return;
  }
  Await(slot_, shard_);  // the method's next call
  call_.reset(new GrpcCall(slot_->method, slot_->spec->kind, shard_->index, shard_->ops));
  call_->server_call_ = this;
  for (const auto& [key, value] : context_.client_metadata()) {
    call_->metadata_.emplace_back(std::string(key.data(), key.size()),
                                  std::string(value.data(), value.size()));
    if (key == "grpc-encoding" && value == "gzip") {
      context_.set_compression_algorithm(GRPC_COMPRESS_GZIP);  // answer as asked
    }
  }
  call_->peer_ = context_.peer();
  call_->deadline_ = context_.raw_deadline();
  switch (slot_->spec->kind) {
    case CallKind::kUnary: {
      std::string request = ToString(read_);
      read_.Clear();
      if (!Refused(request)) Post(CallEvent::kStart, std::move(request));
      break;
    }
    case CallKind::kServerStreaming:
      RequestRead();  // its one request, before the handler starts
      break;
    default:
      Post(CallEvent::kStart);
  }
  Release();
}

void ServerCall::OnRead(bool ok) {
  --in_flight_;
  if (slot_->spec->kind == CallKind::kServerStreaming && !got_request_) {
    got_request_ = true;
    if (!ok) {
      Finish(::grpc::Status(::grpc::StatusCode::INTERNAL, "missing request message"), {});
    } else {
      std::string request = ToString(read_);
      if (!Refused(request)) Post(CallEvent::kStart, std::move(request));
    }
  } else if (ok) {
    std::string request = ToString(read_);
    if (Refused(request)) {
      Post(CallEvent::kCancelled);  // the handler stops here
    } else {
      Post(CallEvent::kMessage, std::move(request));
    }
  } else {
    Post(CallEvent::kHalfClose);
  }
  Release();
}

void ServerCall::OnWrite(bool ok) {
  --in_flight_;
  writing_ = false;
  if (!writes_.empty()) {
    writes_.pop_front();
    call_->unwritten_.fetch_sub(1);
  }
  if (!ok) ClearWrites();  // the client is gone; the done event follows
  Pump();
  Release();
}

void ServerCall::OnSent(bool) {
  --in_flight_;
  Release();
}

void ServerCall::OnDone(bool) {
  done_ = true;
  if (context_.IsCancelled()) {  // by the client, its deadline or shutdown
    finished_ = true;
    pending_finish_ = false;
    ClearWrites();
    Post(CallEvent::kCancelled);
  }
  if (call_) {
    call_->server_call_ = nullptr;
    call_->done_.store(true, std::memory_order_release);
  }
  Release();
}

void ServerCall::Post(CallEvent::Kind kind, std::string message) {
  slot_->sink->Post({kind, call_, std::move(message)});
}

bool ServerCall::Refused(const std::string& request) {
  const MethodSpec* spec = slot_->spec;
  if (!spec->validator) return false;
  std::string message, details;
  if (spec->validator->Check(request, &message, &details)) return false;
  Finish(::grpc::Status(
             details.empty() ? ::grpc::StatusCode::INTERNAL : ::grpc::StatusCode::INVALID_ARGUMENT,
             message, details),
         {});
  return true;
}

void ServerCall::RequestRead() {
  if (finished_ || unary()) return;
  ++in_flight_;
  stream_.Read(&read_, static_cast<CqTag*>(&read_tag_));
}

void ServerCall::Write(std::string message) {
  if (unary()) {
    call_->unwritten_.fetch_sub(1);
    if (!finished_ && !has_response_) {
      response_ = ToBuffer(std::move(message));
      has_response_ = true;
    }
    return;
  }
  if (finished_ || pending_finish_) {
    call_->unwritten_.fetch_sub(1);
    return;
  }
  writes_.push_back(ToBuffer(std::move(message)));
  Pump();
}

void ServerCall::WaitWritable(size_t below) {
  writable_below_ = below;
  Pump();
}

void ServerCall::SendInitialMetadata(const Metadata& metadata) {
  if (initial_sent_ || finished_) return;
  for (const auto& [k, v] : metadata) context_.AddInitialMetadata(k, v);
  initial_sent_ = true;
  ++in_flight_;
  void* tag = static_cast<CqTag*>(&sent_tag_);
  if (unary()) {
    unary_.SendInitialMetadata(tag);
  } else {
    stream_.SendInitialMetadata(tag);
  }
}

void ServerCall::Finish(::grpc::Status status, const Metadata& trailing) {
  if (finished_ || pending_finish_) return;
  for (const auto& [k, v] : trailing) context_.AddTrailingMetadata(k, v);
  void* tag = static_cast<CqTag*>(&sent_tag_);
  if (unary()) {
    finished_ = true;
    ++in_flight_;
    if (!status.ok()) {
      unary_.FinishWithError(status, tag);
    } else {
      if (!has_response_) response_ = ToBuffer({});  // an empty message
      unary_.Finish(response_, status, tag);
    }
  } else {
    pending_finish_ = true;  // after the queued messages, if any
    final_status_ = std::move(status);
    Pump();
  }
}

void ServerCall::Pump() {
  if (writable_below_ > 0 && call_->unwritten_.load() < writable_below_) {
    writable_below_ = 0;
    Post(CallEvent::kWritable);
  }
  if (writing_ || finished_) return;
  if (writes_.size() == 1 && pending_finish_) {  // the last message and the status together
    pending_finish_ = false;
    finished_ = true;
    initial_sent_ = true;
    ++in_flight_;
    stream_.WriteAndFinish(writes_.front(), ::grpc::WriteOptions(), final_status_,
                           static_cast<CqTag*>(&sent_tag_));
    ClearWrites();
  } else if (!writes_.empty()) {
    writing_ = true;
    ++in_flight_;
    // More queued behind this one: let the transport coalesce them into fewer frames and
    // syscalls instead of flushing each message on its own. Never while the headers are
    // still unsent: a hinted write that carries them may wait for a flush that no later
    // operation of a lone stream triggers (seen with gRPC 1.51's server-streaming API).
    ::grpc::WriteOptions options;
    if (writes_.size() > 1 && initial_sent_) options.set_buffer_hint();
    initial_sent_ = true;
    stream_.Write(writes_.front(), options, static_cast<CqTag*>(&write_tag_));
  } else if (pending_finish_) {
    pending_finish_ = false;
    finished_ = true;
    ++in_flight_;
    stream_.Finish(final_status_, static_cast<CqTag*>(&sent_tag_));
  }
}

void ServerCall::ClearWrites() {
  call_->unwritten_.fetch_sub(writes_.size());
  writes_.clear();
}

void ServerCall::Release() {
  if (done_ && in_flight_ == 0) delete this;
}

}  // namespace databridge::rpc
