#include "framework/grpc/grpc_call.h"

#include "framework/grpc/op_queue.h"
#include "framework/grpc/server_call.h"

namespace databridge::rpc {

double GrpcCall::TimeRemaining() const {
  gpr_timespec inf = gpr_inf_future(deadline_.clock_type);
  if (gpr_time_cmp(deadline_, inf) == 0) return -1;
  gpr_timespec now = gpr_now(deadline_.clock_type);
  double left = gpr_timespec_to_micros(gpr_time_sub(deadline_, now)) / 1e6;
  return left > 0 ? left : 0;
}

void GrpcCall::Submit(std::function<void(ServerCall*)> op) {
  ops_->Submit([call = shared_from_this(), op = std::move(op)] {
    if (call->server_call_ != nullptr) op(call->server_call_);
  });
}

void GrpcCall::RequestRead() {
  Submit([](ServerCall* c) { c->RequestRead(); });
}

size_t GrpcCall::WriteMany(std::vector<std::string> messages) {
  size_t unwritten = unwritten_.fetch_add(messages.size()) + messages.size();
  Submit([messages = std::move(messages)](ServerCall* c) mutable {
    for (std::string& m : messages) c->Write(std::move(m));
  });
  return unwritten;
}

void GrpcCall::WaitWritable(size_t below) {
  Submit([below](ServerCall* c) { c->WaitWritable(below); });
}

void GrpcCall::SendInitialMetadata(Metadata metadata) {
  Submit([metadata = std::move(metadata)](ServerCall* c) { c->SendInitialMetadata(metadata); });
}

void GrpcCall::Finish(int code, std::string message, std::string details, Metadata trailing) {
  Submit([status = ::grpc::Status(static_cast<::grpc::StatusCode>(code), std::move(message),
                                  std::move(details)),
          trailing = std::move(trailing)](ServerCall* c) { c->Finish(status, trailing); });
}

void GrpcCall::Respond(std::string response, Metadata trailing) {
  unwritten_.fetch_add(1);
  Submit([response = std::move(response), trailing = std::move(trailing)](ServerCall* c) mutable {
    c->Write(std::move(response));
    c->Finish(::grpc::Status::OK, trailing);
  });
}

}  // namespace databridge::rpc
