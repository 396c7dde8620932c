// The native ceiling for //benchmarks:grpc: BenchService in plain C++ on gRPC's callback
// API, the same logic as the Python handlers (a Book per GetBook, page_size Books per
// StreamBooks). Usage: grpc_native_server PORT
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <cstdlib>
#include <string>

#include "benchmarks/proto/bench.grpc.pb.h"

namespace {

class Bench final : public bench::v1::BenchService::CallbackService {
  grpc::ServerUnaryReactor* GetBook(grpc::CallbackServerContext* context,
                                    const bench::v1::GetBookRequest* request,
                                    bench::v1::Book* book) override {
    book->set_name(request->name());
    book->set_title("Dune");
    book->set_page_count(412);
    book->add_tags("sf");
    book->add_tags("classic");
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerWriteReactor<bench::v1::Book>* StreamBooks(
      grpc::CallbackServerContext* context, const bench::v1::ListBooksRequest* request) override {
    class Writer : public grpc::ServerWriteReactor<bench::v1::Book> {
     public:
      Writer(std::string parent, int count) : parent_(std::move(parent)), left_(count) { Next(); }
      void OnWriteDone(bool ok) override {
        if (!ok) {
          Finish(grpc::Status::CANCELLED);
          return;
        }
        Next();
      }
      void OnDone() override { delete this; }

     private:
      void Next() {
        if (left_ == 0) {
          Finish(grpc::Status::OK);
          return;
        }
        book_.Clear();
        book_.set_name(parent_ + "/books/" + std::to_string(sent_++));
        book_.set_title("Dune");
        book_.set_page_count(412);
        book_.add_tags("sf");
        book_.add_tags("classic");
        --left_;
        StartWrite(&book_);
      }
      std::string parent_;
      int left_;
      int sent_ = 0;
      bench::v1::Book book_;
    };
    return new Writer(request->parent(), request->page_size());
  }
};

std::unique_ptr<grpc::Server> server;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  Bench service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(std::string("127.0.0.1:") + argv[1], grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  server = builder.BuildAndStart();
  if (!server) return 1;
  std::signal(SIGTERM, [](int) { std::_Exit(0); });
  server->Wait();
  return 0;
}
