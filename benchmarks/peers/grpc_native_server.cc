// The native ceiling for //benchmarks:grpc: BenchService in plain C++ with the same logic as
// the Python handlers (a Book per GetBook, page_size Books per StreamBooks), written the
// fastest way gRPC C++ 1.51 offers on one core: the asynchronous API, one completion queue
// polled by the main thread (no hand-off between threads), stream messages written with
// buffer hints (after the first, which flushes the headers) and the last one together with
// the status. Usage: grpc_native_server PORT
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>

#include "benchmarks/proto/bench.grpc.pb.h"

namespace {

using bench::v1::BenchService;

class Call {
 public:
  virtual ~Call() = default;
  virtual void Proceed(bool ok) = 0;
};

void FillBook(bench::v1::Book* book, std::string name) {
  book->set_name(std::move(name));
  book->set_title("Dune");
  book->set_page_count(412);
  book->add_tags("sf");
  book->add_tags("classic");
}

class GetBookCall final : public Call {
 public:
  GetBookCall(BenchService::AsyncService* service, grpc::ServerCompletionQueue* cq)
      : service_(service), cq_(cq), responder_(&context_) {
    service->RequestGetBook(&context_, &request_, &responder_, cq, cq, this);
  }
  void Proceed(bool ok) override {
    if (!ok || answered_) {
      delete this;
      return;
    }
    new GetBookCall(service_, cq_);
    bench::v1::Book book;
    FillBook(&book, request_.name());
    answered_ = true;
    responder_.Finish(book, grpc::Status::OK, this);
  }

 private:
  BenchService::AsyncService* service_;
  grpc::ServerCompletionQueue* cq_;
  grpc::ServerContext context_;
  bench::v1::GetBookRequest request_;
  grpc::ServerAsyncResponseWriter<bench::v1::Book> responder_;
  bool answered_ = false;
};

class StreamBooksCall final : public Call {
 public:
  StreamBooksCall(BenchService::AsyncService* service, grpc::ServerCompletionQueue* cq)
      : service_(service), cq_(cq), writer_(&context_) {
    service->RequestStreamBooks(&context_, &request_, &writer_, cq, cq, this);
  }
  void Proceed(bool ok) override {
    if (finished_ || (!ok && !started_)) {
      delete this;
      return;
    }
    if (!started_) {
      started_ = true;
      new StreamBooksCall(service_, cq_);
    } else if (!ok) {  // the client is gone
      finished_ = true;
      writer_.Finish(grpc::Status::CANCELLED, this);
      return;
    }
    const int count = request_.page_size();
    if (sent_ >= count) {
      finished_ = true;
      writer_.Finish(grpc::Status::OK, this);
      return;
    }
    bench::v1::Book book;
    FillBook(&book, request_.parent() + "/books/" + std::to_string(sent_));
    if (++sent_ == count) {
      finished_ = true;
      writer_.WriteAndFinish(book, grpc::WriteOptions(), grpc::Status::OK, this);
    } else {
      writer_.Write(
          book, sent_ == 1 ? grpc::WriteOptions() : grpc::WriteOptions().set_buffer_hint(), this);
    }
  }

 private:
  BenchService::AsyncService* service_;
  grpc::ServerCompletionQueue* cq_;
  grpc::ServerContext context_;
  bench::v1::ListBooksRequest request_;
  grpc::ServerAsyncWriter<bench::v1::Book> writer_;
  bool started_ = false;
  bool finished_ = false;
  int sent_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  BenchService::AsyncService service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(std::string("127.0.0.1:") + argv[1], grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::ServerCompletionQueue> cq = builder.AddCompletionQueue();
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return 1;
  std::signal(SIGTERM, [](int) { std::_Exit(0); });
  for (int i = 0; i < 16; ++i) {  // calls awaited at once: a burst is matched in one pass
    new GetBookCall(&service, cq.get());
    new StreamBooksCall(&service, cq.get());
  }
  void* tag;
  bool ok;
  while (cq->Next(&tag, &ok)) static_cast<Call*>(tag)->Proceed(ok);
  return 0;
}
