// GrpcServer end to end in C++: a real gRPC client (generic stub) against the server, with
// a sink that answers from the shard threads as the binding layer would from its loops.
#include "framework/grpc/grpc_server.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "gtest/gtest.h"

namespace databridge::rpc {
namespace {

// Unary: answers the request reversed, or aborts with NOT_FOUND on "missing". Server
// streaming: three copies. Bidi: echoes each message, ends when the client does.
class EchoSink : public CallSink {
 public:
  GrpcServer* server = nullptr;
  void Post(CallEvent e) override {
    GrpcCall& call = *e.call;
    switch (e.kind) {
      case CallEvent::kStart:
        if (call.kind() == CallKind::kUnary) {
          if (e.message == "missing") {
            call.Finish(5, "no such thing", "", {{"x-why", "test"}});
          } else {
            call.Respond(std::string(e.message.rbegin(), e.message.rend()), {});
          }
        } else if (call.kind() == CallKind::kServerStreaming) {
          call.WriteMany({e.message, e.message, e.message});
          call.Finish(0, "", "", {});
        } else {
          call.RequestRead();
        }
        break;
      case CallEvent::kMessage:
        call.WriteMany({e.message});
        call.RequestRead();
        break;
      case CallEvent::kHalfClose:
        call.Finish(0, "", "", {});
        break;
      default:
        return;
    }
    server->Flush(call.shard());
  }
};

::grpc::ByteBuffer Bytes(const std::string& s) {
  ::grpc::Slice slice(s);
  return ::grpc::ByteBuffer(&slice, 1);
}

std::string Text(const ::grpc::ByteBuffer& b) {
  std::vector<::grpc::Slice> slices;
  std::string out;
  if (b.Dump(&slices).ok()) {
    for (auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

// A client stream driven one operation at a time: each Start/Write/Read, then Step().
struct Stream {
  Stream(::grpc::GenericStub* stub, const std::string& method)
      : stream(stub->PrepareCall(&context, method, &cq)) {
    stream->StartCall(nullptr);
    EXPECT_TRUE(Step());
  }
  bool Step() {  // the last operation's outcome
    void* tag;
    bool ok = false;
    EXPECT_TRUE(cq.Next(&tag, &ok));
    return ok;
  }
  ::grpc::ClientContext context;
  ::grpc::CompletionQueue cq;
  std::unique_ptr<::grpc::GenericClientAsyncReaderWriter> stream;
};

class GrpcServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GrpcConfig config;
    config.shards = 2;
    server_ = std::make_unique<GrpcServer>(
        config,
        std::vector<MethodSpec>{{"/t.Echo/Unary", CallKind::kUnary},
                                {"/t.Echo/Stream", CallKind::kServerStreaming},
                                {"/t.Echo/Chat", CallKind::kBidiStreaming}},
        &sink_);
    sink_.server = server_.get();
    absl::StatusOr<int> port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    channel_ = ::grpc::CreateChannel(absl::StrCat("127.0.0.1:", *port),
                                     ::grpc::InsecureChannelCredentials());
    stub_ = std::make_unique<::grpc::GenericStub>(channel_);
  }

  ::grpc::Status Unary(const std::string& method, const std::string& request, std::string* response,
                       ::grpc::ClientContext* context = nullptr) {
    ::grpc::ClientContext local;
    if (context == nullptr) context = &local;
    ::grpc::CompletionQueue cq;
    ::grpc::ByteBuffer in = Bytes(request), out;
    ::grpc::Status status;
    auto call = stub_->PrepareUnaryCall(context, method, in, &cq);
    call->StartCall();
    call->Finish(&out, &status, this);
    void* tag;
    bool ok;
    EXPECT_TRUE(cq.Next(&tag, &ok));
    *response = Text(out);
    return status;
  }

  EchoSink sink_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<::grpc::Channel> channel_;
  std::unique_ptr<::grpc::GenericStub> stub_;
};

TEST_F(GrpcServerTest, UnaryCallsAndErrors) {
  for (int i = 10; i < 30; ++i) {
    std::string out, n = std::to_string(i);
    ASSERT_TRUE(Unary("/t.Echo/Unary", "abc" + n, &out).ok());
    EXPECT_EQ(out, std::string(n.rbegin(), n.rend()) + "cba");
  }
  std::string out;
  ::grpc::ClientContext context;
  ::grpc::Status status = Unary("/t.Echo/Unary", "missing", &out, &context);
  EXPECT_EQ(status.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no such thing");
  auto trailing = context.GetServerTrailingMetadata();
  ASSERT_EQ(trailing.count("x-why"), 1u);
  EXPECT_EQ(trailing.find("x-why")->second, "test");
  EXPECT_EQ(Unary("/t.Echo/Nope", "x", &out).error_code(), ::grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(GrpcServerTest, HealthIsServedNatively) {
  ::grpc::health::v1::HealthCheckRequest request;
  std::string out;
  ASSERT_TRUE(Unary("/grpc.health.v1.Health/Check", request.SerializeAsString(), &out).ok());
  ::grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(response.ParseFromString(out));
  EXPECT_EQ(response.status(), ::grpc::health::v1::HealthCheckResponse::SERVING);
  request.set_service("t.Echo");
  ASSERT_TRUE(Unary("/grpc.health.v1.Health/Check", request.SerializeAsString(), &out).ok());
  request.set_service("t.Other");
  EXPECT_EQ(Unary("/grpc.health.v1.Health/Check", request.SerializeAsString(), &out).error_code(),
            ::grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcServerTest, ServerStreams) {
  Stream call(stub_.get(), "/t.Echo/Stream");
  auto& stream = call.stream;
  auto step = [&] { return call.Step(); };
  stream->WriteLast(Bytes("hi"), ::grpc::WriteOptions(), nullptr);
  ASSERT_TRUE(step());
  std::vector<std::string> got;
  for (;;) {
    ::grpc::ByteBuffer in;
    stream->Read(&in, nullptr);
    if (!step()) break;
    got.push_back(Text(in));
  }
  EXPECT_EQ(got, std::vector<std::string>({"hi", "hi", "hi"}));
  ::grpc::Status status;
  stream->Finish(&status, nullptr);
  ASSERT_TRUE(step());
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(GrpcServerTest, StreamsBothWays) {
  Stream call(stub_.get(), "/t.Echo/Chat");
  auto& stream = call.stream;
  auto step = [&] { return call.Step(); };
  for (std::string word : {"one", "two", "three"}) {
    ::grpc::ByteBuffer out = Bytes(word), in;
    stream->Write(out, nullptr);
    ASSERT_TRUE(step());
    stream->Read(&in, nullptr);
    ASSERT_TRUE(step());
    EXPECT_EQ(Text(in), word);
  }
  stream->WritesDone(nullptr);
  ASSERT_TRUE(step());
  ::grpc::ByteBuffer in;
  stream->Read(&in, nullptr);
  EXPECT_FALSE(step());  // the server ended the call after the half-close
  ::grpc::Status status;
  stream->Finish(&status, nullptr);
  ASSERT_TRUE(step());
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(GrpcServerTest, ShutdownEndsTheServer) {
  std::string out;
  ASSERT_TRUE(Unary("/t.Echo/Unary", "x", &out).ok());
  server_->Shutdown(absl::Seconds(1));
  server_->Flush(0);  // a late flush from the binding layer is harmless
  gpr_timespec soon =
      gpr_time_add(gpr_now(GPR_CLOCK_REALTIME), gpr_time_from_millis(500, GPR_TIMESPAN));
  ::grpc::ClientContext context;
  context.set_deadline(soon);
  ::grpc::Status status = Unary("/t.Echo/Unary", "x", &out, &context);
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace databridge::rpc
