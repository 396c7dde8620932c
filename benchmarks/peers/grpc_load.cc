// Load generator for //benchmarks:grpc (C++: ghz tops out near 12k calls/s on one core,
// below what the servers under test answer). Closed loop: `concurrency` calls in flight,
// spread over `connections` channels (each its own TCP connection); each completion starts
// the next call. Prints JSON: {"calls": N, "errors": E, "seconds": S, "p50_ms", "p99_ms",
// "messages": M} (messages: stream messages received).
//
//   grpc_load 127.0.0.1:50051 unary|stream SECONDS CONCURRENCY CONNECTIONS [STREAM_SIZE]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "benchmarks/proto/bench.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Shared {
  Clock::time_point end;
  std::mutex mu;
  std::condition_variable done_cv;
  int active = 0;
  std::vector<int64_t> latencies_us;
  int64_t errors = 0;
  int64_t messages = 0;
};

class UnarySlot {
 public:
  UnarySlot(bench::v1::BenchService::Stub* stub, Shared* shared) : stub_(stub), shared_(shared) {
    request_.set_name("shelves/1/books/1");
  }
  void Start() {
    if (Clock::now() >= shared_->end) {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (--shared_->active == 0) shared_->done_cv.notify_all();
      return;
    }
    context_ = std::make_unique<grpc::ClientContext>();
    started_ = Clock::now();
    stub_->async()->GetBook(context_.get(), &request_, &response_, [this](grpc::Status s) {
      int64_t us =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
      {
        std::lock_guard<std::mutex> lock(shared_->mu);
        if (s.ok()) {
          shared_->latencies_us.push_back(us);
        } else if (shared_->errors++ == 0) {
          std::fprintf(stderr, "first failed call: status %d '%s'\n", s.error_code(),
                       s.error_message().c_str());
        }
      }
      Start();
    });
  }

 private:
  bench::v1::BenchService::Stub* stub_;
  Shared* shared_;
  bench::v1::GetBookRequest request_;
  bench::v1::Book response_;
  std::unique_ptr<grpc::ClientContext> context_;
  Clock::time_point started_;
};

class StreamSlot {
 public:
  StreamSlot(bench::v1::BenchService::Stub* stub, Shared* shared, int size)
      : stub_(stub), shared_(shared) {
    request_.set_parent("shelves/1");
    request_.set_page_size(size);
  }
  void Start() {
    if (Clock::now() >= shared_->end) {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (--shared_->active == 0) shared_->done_cv.notify_all();
      return;
    }
    reader_ = std::make_unique<Reader>(this);
    reader_->Go();
  }

 private:
  class Reader : public grpc::ClientReadReactor<bench::v1::Book> {
   public:
    explicit Reader(StreamSlot* slot) : slot_(slot) {}
    void Go() {
      started_ = Clock::now();
      slot_->stub_->async()->StreamBooks(&context_, &slot_->request_, this);
      StartRead(&book_);
      StartCall();
    }
    void OnReadDone(bool ok) override {
      if (ok) {
        ++count_;
        StartRead(&book_);
      }
    }
    void OnDone(const grpc::Status& s) override {
      int64_t us =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
      {
        std::lock_guard<std::mutex> lock(slot_->shared_->mu);
        if (s.ok() && count_ == slot_->request_.page_size()) {
          slot_->shared_->latencies_us.push_back(us);
          slot_->shared_->messages += count_;
        } else {
          if (slot_->shared_->errors++ == 0) {
            std::fprintf(stderr, "first failed stream: status %d '%s', %lld of %d messages\n",
                         s.error_code(), s.error_message().c_str(), static_cast<long long>(count_),
                         slot_->request_.page_size());
          }
        }
      }
      slot_->Start();  // replaces (and deletes) this reader: nothing after
    }

   private:
    StreamSlot* slot_;
    grpc::ClientContext context_;
    bench::v1::Book book_;
    int64_t count_ = 0;
    Clock::time_point started_;
  };

  bench::v1::BenchService::Stub* stub_;
  Shared* shared_;
  bench::v1::ListBooksRequest request_;
  std::unique_ptr<Reader> reader_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s TARGET unary|stream SECONDS CONCURRENCY CONNECTIONS [N]\n",
                 argv[0]);
    return 2;
  }
  std::string target = argv[1], mode = argv[2];
  double seconds = std::atof(argv[3]);
  int concurrency = std::atoi(argv[4]), connections = std::atoi(argv[5]);
  int size = argc > 6 ? std::atoi(argv[6]) : 100;
  std::vector<std::unique_ptr<bench::v1::BenchService::Stub>> stubs;
  for (int i = 0; i < connections; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("data_bridge.bench.channel", i);  // distinct args: a connection each
    stubs.push_back(bench::v1::BenchService::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args)));
  }
  Shared shared;
  auto start = Clock::now();
  shared.end = start + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  shared.active = concurrency;
  std::vector<std::unique_ptr<UnarySlot>> unary;
  std::vector<std::unique_ptr<StreamSlot>> streams;
  for (int i = 0; i < concurrency; ++i) {
    auto* stub = stubs[i % connections].get();
    if (mode == "unary") {
      unary.push_back(std::make_unique<UnarySlot>(stub, &shared));
    } else {
      streams.push_back(std::make_unique<StreamSlot>(stub, &shared, size));
    }
  }
  for (auto& s : unary) s->Start();
  for (auto& s : streams) s->Start();
  {
    std::unique_lock<std::mutex> lock(shared.mu);
    shared.done_cv.wait(lock, [&] { return shared.active == 0; });
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  auto& l = shared.latencies_us;
  std::sort(l.begin(), l.end());
  auto pct = [&](double q) {
    return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<size_t>(q * l.size()))] / 1e3;
  };
  std::printf(
      "{\"calls\": %zu, \"errors\": %lld, \"seconds\": %.3f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
      "\"messages\": %lld}\n",
      l.size(), static_cast<long long>(shared.errors), elapsed, pct(0.5), pct(0.99),
      static_cast<long long>(shared.messages));
  std::fflush(stdout);
  std::_Exit(0);  // skip tearing down channels with calls racing to finish
}
