// Google Benchmark of Http1Codec: parsing a request as wrk sends it and as a browser does,
// and encoding a small response. `./bazelw run -c opt //framework/http1:http1_codec_benchmark`.
#include <benchmark/benchmark.h>

#include <string>

#include "framework/http1/http1_codec.h"

namespace databridge::http1 {
namespace {

class Discard : public http::ServerCodecCallbacks {
 public:
  void OnRequestStart() override {}
  void OnContinue() override {}
  bool OnRequest(http::Request request) override {
    benchmark::DoNotOptimize(request.path.data());
    return true;
  }
};

constexpr absl::string_view kWrkRequest = "GET /json HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n";
constexpr absl::string_view kBrowserRequest =
    "GET /items/42?q=shoes&limit=10 HTTP/1.1\r\n"
    "Host: api.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: session=0123456789abcdef; theme=dark\r\n"
    "Cache-Control: max-age=0\r\n\r\n";

void Parse(benchmark::State& state, absl::string_view request) {
  Discard callbacks;
  Http1Codec codec(http::Limits(), &callbacks);
  for (auto _ : state) {
    auto used = codec.Feed(request);
    benchmark::DoNotOptimize(used);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * request.size()));
}

void BM_ParseWrkRequest(benchmark::State& state) { Parse(state, kWrkRequest); }
void BM_ParseBrowserRequest(benchmark::State& state) { Parse(state, kBrowserRequest); }
BENCHMARK(BM_ParseWrkRequest);
BENCHMARK(BM_ParseBrowserRequest);

// A plaintext answer as the hello benchmark's /plaintext route sends it, keep-alive.
void BM_EncodeSmallResponse(benchmark::State& state) {
  Discard callbacks;
  Http1Codec codec(http::Limits(), &callbacks);
  http::Response response;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "Hello, World!";
  std::string out;
  for (auto _ : state) {
    out.clear();
    codec.EncodeResponse(response, /*head=*/false, /*keep_alive=*/true, /*http10=*/false, &out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeSmallResponse);

}  // namespace
}  // namespace databridge::http1

BENCHMARK_MAIN();
