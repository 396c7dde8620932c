#include "framework/grpc/grpc_call.h"

#include <grpc/support/time.h>

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

::grpc::ByteBuffer ToBuffer(std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  ::grpc::Slice slice(
      owned->data(), owned->size(), [](void* p) { delete static_cast<std::string*>(p); }, owned);
  return ::grpc::ByteBuffer(&slice, 1);
}

}  // namespace

// The reactor gRPC drives. Its state is guarded by the call's mutex (recursive: gRPC may
// run a reaction inline inside a Start* call made under it).
class CallReactor final : public ::grpc::ServerBidiReactor<::grpc::ByteBuffer, ::grpc::ByteBuffer> {
 public:
  CallReactor(::grpc::CallbackServerContext* context, int method, const MethodSpec* spec,
              CallSink* sink, OpQueue* ops)
      : context_(context), spec_(spec), sink_(sink), call_(new GrpcCall(method, spec->kind, ops)) {
    CallKind kind = spec->kind;
    for (const auto& [key, value] : context->client_metadata()) {
      call_->metadata_.emplace_back(std::string(key.data(), key.size()),
                                    std::string(value.data(), value.size()));
      if (key == "grpc-encoding" && value == "gzip") {
        context->set_compression_algorithm(GRPC_COMPRESS_GZIP);  // answer as asked
      }
    }
    call_->peer_ = context->peer();
    call_->deadline_ = context->raw_deadline();
    call_->reactor_ = this;
    if (kind == CallKind::kUnary || kind == CallKind::kServerStreaming) {
      StartRead(&read_);  // the request, before the handler starts
    } else {
      sink_->Post({CallEvent::kStart, call_, {}});
    }
  }

  // Every reaction keeps the call (and its mutex) alive in a local and touches no member
  // after Finish: gRPC may run OnDone, which deletes the reactor, inside Finish.
  void OnReadDone(bool ok) override {
    std::shared_ptr<GrpcCall> call = call_;
    CallSink* sink = sink_;
    CallKind kind = call->kind();
    if (!started_ && (kind == CallKind::kUnary || kind == CallKind::kServerStreaming)) {
      started_ = true;
      if (!ok) {
        std::lock_guard<std::recursive_mutex> lock(call->mu_);
        FinishLocked(::grpc::Status(::grpc::StatusCode::INTERNAL, "missing request message"));
        return;
      }
      std::string request = ToString(read_);
      if (Refused(call, request)) return;
      sink->Post({CallEvent::kStart, call, std::move(request)});
      return;
    }
    if (ok) {
      std::string request = ToString(read_);
      if (Refused(call, request)) {
        sink->Post({CallEvent::kCancelled, call, {}});  // the handler stops here
        return;
      }
      sink->Post({CallEvent::kMessage, call, std::move(request)});
    } else {
      sink->Post({CallEvent::kHalfClose, call, {}});
    }
  }

  void OnWriteDone(bool ok) override {
    std::shared_ptr<GrpcCall> call = call_;
    std::lock_guard<std::recursive_mutex> lock(call->mu_);
    writing_ = false;
    if (!writes_.empty()) {
      writes_.pop_front();
      call->unwritten_.fetch_sub(1);
    }
    if (!ok) ClearWritesLocked();  // the client is gone; OnCancel / OnDone follow
    PumpLocked();
  }

  void OnCancel() override {
    std::shared_ptr<GrpcCall> call = call_;
    CallSink* sink = sink_;
    {
      std::lock_guard<std::recursive_mutex> lock(call->mu_);
      ClearWritesLocked();
      if (!finished_) FinishLocked(::grpc::Status::CANCELLED);
    }
    sink->Post({CallEvent::kCancelled, call, {}});
  }

  void OnDone() override {
    std::shared_ptr<GrpcCall> call = call_;
    {
      std::lock_guard<std::recursive_mutex> lock(call->mu_);
      call->reactor_ = nullptr;
    }
    delete this;
  }

  // --- from GrpcCall, under call_->mu_ ---

  void RequestReadLocked() {
    if (!finished_) StartRead(&read_);
  }

  void WriteLocked(std::string message) {
    if (finished_ || pending_finish_) {
      call_->unwritten_.fetch_sub(1);
      return;
    }
    writes_.push_back(ToBuffer(std::move(message)));
    PumpLocked();
  }

  void WaitWritableLocked(size_t below) {
    writable_below_ = below;
    PumpLocked();
  }

  void SendInitialMetadataLocked(const Metadata& metadata) {
    if (initial_sent_ || finished_) return;
    for (const auto& [k, v] : metadata) context_->AddInitialMetadata(k, v);
    initial_sent_ = true;
    StartSendInitialMetadata();
  }

  void FinishLocked(::grpc::Status status, const Metadata& trailing = {}) {
    if (finished_ || pending_finish_) return;
    for (const auto& [k, v] : trailing) context_->AddTrailingMetadata(k, v);
    if (writes_.empty()) {
      finished_ = true;
      Finish(status);
    } else if (writes_.size() == 1 && !writing_) {
      finished_ = true;  // the common unary answer: one message and the status together
      initial_sent_ = true;
      StartWriteAndFinish(&writes_.front(), ::grpc::WriteOptions(), status);
    } else {
      pending_finish_ = true;
      final_status_ = std::move(status);
    }
  }

 private:
  void ClearWritesLocked() {
    call_->unwritten_.fetch_sub(writes_.size());
    writes_.clear();
  }

  // Field rules: a request that breaks them ends the call (INVALID_ARGUMENT with
  // BadRequest details; INTERNAL when it does not even parse).
  bool Refused(const std::shared_ptr<GrpcCall>& call, const std::string& request) {
    if (!spec_->validator) return false;
    std::string message, details;
    if (spec_->validator->Check(request, &message, &details)) return false;
    std::lock_guard<std::recursive_mutex> lock(call->mu_);
    FinishLocked(::grpc::Status(
        details.empty() ? ::grpc::StatusCode::INTERNAL : ::grpc::StatusCode::INVALID_ARGUMENT,
        message, details));
    return true;
  }

  void PumpLocked() {
    if (writable_below_ > 0 && call_->unwritten_.load() < writable_below_) {
      writable_below_ = 0;
      sink_->Post({CallEvent::kWritable, call_, {}});
    }
    if (!writing_ && !writes_.empty() && !finished_) {
      writing_ = true;
      initial_sent_ = true;
      // More queued behind this one: let the transport coalesce them into fewer frames
      // and syscalls instead of flushing each message on its own.
      ::grpc::WriteOptions options;
      if (writes_.size() > 1) options.set_buffer_hint();
      StartWrite(&writes_.front(), options);
    } else if (!writing_ && writes_.empty() && pending_finish_ && !finished_) {
      pending_finish_ = false;
      finished_ = true;
      Finish(final_status_);  // last: may delete this
    }
  }

  ::grpc::CallbackServerContext* context_;
  const MethodSpec* spec_;
  CallSink* sink_;
  std::shared_ptr<GrpcCall> call_;
  ::grpc::ByteBuffer read_;
  bool started_ = false;
  std::deque<::grpc::ByteBuffer> writes_;
  bool writing_ = false;
  bool initial_sent_ = false;
  bool finished_ = false;
  bool pending_finish_ = false;
  ::grpc::Status final_status_;
  size_t writable_below_ = 0;
};

double GrpcCall::TimeRemaining() const {
  gpr_timespec inf = gpr_inf_future(deadline_.clock_type);
  if (gpr_time_cmp(deadline_, inf) == 0) return -1;
  gpr_timespec now = gpr_now(deadline_.clock_type);
  double left = gpr_timespec_to_micros(gpr_time_sub(deadline_, now)) / 1e6;
  return left > 0 ? left : 0;
}

void GrpcCall::Submit(std::function<void(CallReactor*)> op) {
  ops_->Submit([call = shared_from_this(), op = std::move(op)] {
    std::lock_guard<std::recursive_mutex> lock(call->mu_);
    if (call->reactor_ != nullptr) op(call->reactor_);
  });
}

void GrpcCall::RequestRead() {
  Submit([](CallReactor* r) { r->RequestReadLocked(); });
}

size_t GrpcCall::WriteMany(std::vector<std::string> messages) {
  size_t unwritten = unwritten_.fetch_add(messages.size()) + messages.size();
  Submit([messages = std::move(messages)](CallReactor* r) mutable {
    for (std::string& m : messages) r->WriteLocked(std::move(m));
  });
  return unwritten;
}

void GrpcCall::WaitWritable(size_t below) {
  Submit([below](CallReactor* r) { r->WaitWritableLocked(below); });
}

void GrpcCall::SendInitialMetadata(const Metadata& metadata) {
  Submit([metadata](CallReactor* r) { r->SendInitialMetadataLocked(metadata); });
}

void GrpcCall::Finish(int code, std::string message, std::string details,
                      const Metadata& trailing) {
  Submit([status = ::grpc::Status(static_cast<::grpc::StatusCode>(code), std::move(message),
                                  std::move(details)),
          trailing](CallReactor* r) { r->FinishLocked(status, trailing); });
}

void GrpcCall::Respond(std::string response, const Metadata& trailing) {
  unwritten_.fetch_add(1);
  Submit([response = std::move(response), trailing](CallReactor* r) mutable {
    r->WriteLocked(std::move(response));
    r->FinishLocked(::grpc::Status::OK, trailing);
  });
}

bool GrpcCall::done() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return reactor_ == nullptr;
}

::grpc::ServerBidiReactor<::grpc::ByteBuffer, ::grpc::ByteBuffer>* NewCallReactor(
    ::grpc::CallbackServerContext* context, int method, const MethodSpec* spec, CallSink* sink,
    OpQueue* ops) {
  return new CallReactor(context, method, spec, sink, ops);
}

}  // namespace databridge::rpc
