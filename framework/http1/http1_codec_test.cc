#include "framework/http1/http1_codec.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "framework/base/error_kind.h"
#include "gtest/gtest.h"

namespace databridge::http1 {
namespace {

class Recorder : public http::ServerCodecCallbacks {
 public:
  void OnRequestStart() override { ++starts; }
  void OnContinue() override { ++continues; }
  bool OnRequest(http::Request request) override {
    requests.push_back(std::move(request));
    return !pause_after_each;
  }
  std::shared_ptr<http::BodySink> OnBodyStart(const http::Request& head) override {
    if (!sink) return nullptr;
    sink->path = head.path;
    return sink;
  }
  int starts = 0;
  int continues = 0;
  bool pause_after_each = false;
  std::vector<http::Request> requests;

  // Takes bodies when set; fails a Write once it has `fail_after` bytes.
  struct Sink : http::BodySink {
    absl::Status Write(absl::string_view piece) override {
      ++writes;
      got.append(piece.data(), piece.size());
      if (got.size() > fail_after) return MakeError(ErrorKind::kPayloadTooLarge, "file too large");
      return absl::OkStatus();
    }
    absl::Status End() override {
      ended = true;
      return absl::OkStatus();
    }
    std::string path, got;
    size_t writes = 0, fail_after = SIZE_MAX;
    bool ended = false;
  };
  std::shared_ptr<Sink> sink;
};

ErrorKind FeedError(Http1Codec& codec, absl::string_view bytes) {
  auto r = codec.Feed(bytes);
  EXPECT_FALSE(r.ok());
  return KindOf(r.status());
}

TEST(Http1Codec, ParsesSimpleRequest) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  std::string in = "GET /users/7?verbose=1&x=2 HTTP/1.1\r\nHost: a\r\nX-Token: t\r\n\r\n";
  auto used = codec.Feed(in);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, in.size());
  ASSERT_EQ(rec.requests.size(), 1u);
  const http::Request& r = rec.requests[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/users/7");
  EXPECT_EQ(r.query, "verbose=1&x=2");
  EXPECT_EQ(r.headers.Get("x-token"), "t");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(codec.InRequest());
}

TEST(Http1Codec, ByteAtATime) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  std::string in = "POST /items HTTP/1.1\r\nContent-Length: 5\r\nHost: a\r\n\r\nhello";
  for (char c : in) ASSERT_TRUE(codec.Feed(absl::string_view(&c, 1)).ok());
  ASSERT_EQ(rec.requests.size(), 1u);
  EXPECT_EQ(rec.requests[0].body, "hello");
  EXPECT_EQ(rec.requests[0].headers.Get("host"), "a");
}

TEST(Http1Codec, ABodySinkTakesTheBodyAsItArrivesUnderItsOwnLimit) {
  for (const char* framing :
       {"Content-Length: 12\r\n\r\nhello world!",
        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n world!\r\n0\r\n\r\n"}) {
    Recorder rec;
    rec.sink = std::make_shared<Recorder::Sink>();
    http::Limits limits;
    limits.max_body_bytes = 4;  // not this body's limit: a sink takes it
    Http1Codec codec(limits, &rec);
    std::string in = std::string("POST /up HTTP/1.1\r\nHost: a\r\n") + framing;
    for (char c : in) ASSERT_TRUE(codec.Feed(absl::string_view(&c, 1)).ok()) << framing;
    ASSERT_EQ(rec.requests.size(), 1u);
    EXPECT_EQ(rec.requests[0].body, "");
    EXPECT_EQ(rec.requests[0].body_sink.get(), rec.sink.get());
    EXPECT_EQ(rec.sink->got, "hello world!");
    EXPECT_EQ(rec.sink->path, "/up");
    EXPECT_EQ(rec.sink->writes, 12u);  // byte by byte, as it came
    EXPECT_TRUE(rec.sink->ended);
  }
}

TEST(Http1Codec, ABodySinksLimitAndErrorsEndTheRequest) {
  Recorder rec;
  rec.sink = std::make_shared<Recorder::Sink>();
  http::Limits limits;
  limits.max_upload_bytes = 10;
  Http1Codec declared(limits, &rec);
  EXPECT_EQ(FeedError(declared, "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"),
            ErrorKind::kPayloadTooLarge);
  Http1Codec chunked(limits, &rec);
  EXPECT_EQ(FeedError(chunked,
                      "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "8\r\n12345678\r\n8\r\n"),
            ErrorKind::kPayloadTooLarge);
  rec.sink = std::make_shared<Recorder::Sink>();
  rec.sink->fail_after = 3;
  Http1Codec failing({}, &rec);
  EXPECT_EQ(FeedError(failing, "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
            ErrorKind::kPayloadTooLarge);
  EXPECT_TRUE(rec.requests.empty());
}

TEST(Http1Codec, PipelinedRequestsInOrder) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  std::string in =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_TRUE(codec.Feed(in).ok());
  ASSERT_EQ(rec.requests.size(), 3u);
  EXPECT_EQ(rec.requests[0].path, "/a");
  EXPECT_EQ(rec.requests[2].path, "/c");
  EXPECT_FALSE(rec.requests[2].keep_alive);
}

TEST(Http1Codec, PauseStopsAfterOneRequest) {
  Recorder rec;
  rec.pause_after_each = true;
  Http1Codec codec({}, &rec);
  std::string in = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  auto used = codec.Feed(in);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(rec.requests.size(), 1u);
  EXPECT_LT(*used, in.size());
  auto rest = codec.Feed(absl::string_view(in).substr(*used));
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*used + *rest, in.size());
  ASSERT_EQ(rec.requests.size(), 2u);
  EXPECT_EQ(rec.requests[1].path, "/b");
}

TEST(Http1Codec, ChunkedBody) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  ASSERT_TRUE(codec
                  .Feed("POST /items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                  .ok());
  ASSERT_EQ(rec.requests.size(), 1u);
  EXPECT_EQ(rec.requests[0].body, "hello world");
}

TEST(Http1Codec, ExpectContinue) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  ASSERT_TRUE(codec
                  .Feed("POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                        "Expect: 100-continue\r\n\r\n")
                  .ok());
  EXPECT_EQ(rec.continues, 1);
  EXPECT_TRUE(codec.InRequest());
  ASSERT_TRUE(codec.Feed("{}").ok());
  ASSERT_EQ(rec.requests.size(), 1u);
}

TEST(Http1Codec, HeadIsMarked) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  ASSERT_TRUE(codec.Feed("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  ASSERT_EQ(rec.requests.size(), 1u);
  EXPECT_TRUE(rec.requests[0].is_head);
}

TEST(Http1Codec, AbsoluteFormTarget) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  ASSERT_TRUE(codec.Feed("GET http://example.com/p/q?a=1 HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  ASSERT_EQ(rec.requests.size(), 1u);
  EXPECT_EQ(rec.requests[0].path, "/p/q");
  EXPECT_EQ(rec.requests[0].query, "a=1");
  EXPECT_EQ(rec.requests[0].headers.Get("host"), "example.com");  // RFC 9112 section 3.2.2
  EXPECT_EQ(rec.requests[0].headers.size(), 1u);
}

// One case of the strict-framing table: the bytes and the answer they must get, whole or
// split anywhere.
struct Case {
  const char* name;
  std::string bytes;
  bool parsed;  // a request comes out; else refused with `kind`
  ErrorKind kind;
};

constexpr bool kParsed = true;
constexpr bool kRefused = false;

std::vector<Case> StrictCases() {
  const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n";
  const std::string post = "POST / HTTP/1.1\r\nHost: x\r\n";
  return {
      {"plain", get + "\r\n", kParsed, {}},
      {"http10 without host", "GET / HTTP/1.0\r\n\r\n", kParsed, {}},
      {"garbage", "GARBAGE\r\n\r\n", kRefused, ErrorKind::kBadRequest},
      {"lowercase version", "GET / http/1.1\r\nHost: x\r\n\r\n", kRefused, ErrorKind::kBadRequest},
      {"tab in request line", "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"tab in target", "GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", kRefused, ErrorKind::kBadRequest},
      {"http/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", kRefused, ErrorKind::kVersionNotSupported},
      {"http/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", kRefused, ErrorKind::kVersionNotSupported},
      {"http/0.9", "GET / HTTP/0.9\r\nHost: x\r\n\r\n", kRefused, ErrorKind::kVersionNotSupported},
      {"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"whitespace-led first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"obs-fold", get + "X-A: 1\r\n  2\r\n\r\n", kRefused, ErrorKind::kBadRequest},
      {"nul in header", get + std::string("X-A: a\0b\r\n\r\n", 13), kRefused,
       ErrorKind::kBadRequest},
      {"missing host", "GET / HTTP/1.1\r\n\r\n", kRefused, ErrorKind::kBadRequest},
      {"two hosts", get + "Host: y\r\n\r\n", kRefused, ErrorKind::kBadRequest},
      {"invalid host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", kRefused, ErrorKind::kBadRequest},
      {"host with userinfo", "GET / HTTP/1.1\r\nHost: u@x\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"encoded nul in path", "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"te chunked twice", post + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"te chunked in two lines",
       post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"te identity chunked", post + "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n",
       kRefused, ErrorKind::kBadRequest},
      {"te gzip", post + "Transfer-Encoding: gzip\r\n\r\n", kRefused, ErrorKind::kBadRequest},
      {"te in http/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"te with content-length",
       post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"two content-lengths", post + "Content-Length: 1\r\nContent-Length: 1\r\n\r\nab", kRefused,
       ErrorKind::kBadRequest},
      {"content-length list", post + "Content-Length: 1, 1\r\n\r\na", kRefused,
       ErrorKind::kBadRequest},
      {"bad chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"chunk without crlf", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
       kRefused, ErrorKind::kBadRequest},
      {"chunk size past limit", post + "Transfer-Encoding: chunked\r\n\r\n100000\r\n", kRefused,
       ErrorKind::kPayloadTooLarge},
      {"long chunk extension",
       post + "Transfer-Encoding: chunked\r\n\r\n1;a=" + std::string(5000, 'b') + "\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"chunk extension",
       post + "Transfer-Encoding: chunked\r\n\r\n1;a=b\r\nx\r\n0\r\n\r\n",
       kParsed,
       {}},
      {"absolute-form", "GET http://h:1/p HTTP/1.1\r\nHost: x\r\n\r\n", kParsed, {}},
      {"absolute-form userinfo", "GET http://u@h/p HTTP/1.1\r\nHost: x\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"asterisk outside options", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", kRefused,
       ErrorKind::kBadRequest},
      {"options asterisk", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", kParsed, {}},
  };
}

void ExpectAnswer(const Case& c, const std::vector<absl::string_view>& pieces) {
  Recorder rec;
  http::Limits limits;
  limits.max_body_bytes = 1024;
  Http1Codec codec(limits, &rec);
  absl::Status status;
  for (absl::string_view piece : pieces) {
    auto used = codec.Feed(piece);
    if (!used.ok()) {
      status = used.status();
      break;
    }
    ASSERT_EQ(*used, piece.size()) << c.name;
  }
  if (c.parsed) {
    EXPECT_TRUE(status.ok()) << c.name << ": " << status;
    EXPECT_EQ(rec.requests.size(), 1u) << c.name;
  } else {
    EXPECT_FALSE(status.ok()) << c.name;
    EXPECT_EQ(KindOf(status), c.kind) << c.name << ": " << status;
    EXPECT_TRUE(rec.requests.empty()) << c.name;
  }
}

TEST(Http1Codec, StrictFramingWholeAndSplitAnywhere) {
  for (const Case& c : StrictCases()) {
    if (HasFailure()) return;
    absl::string_view all = c.bytes;
    ExpectAnswer(c, {all});
    for (size_t cut = 1; cut < all.size() && !HasFailure(); ++cut) {
      SCOPED_TRACE(cut);
      ExpectAnswer(c, {all.substr(0, cut), all.substr(cut)});
    }
    std::vector<absl::string_view> bytes;
    for (size_t i = 0; i < all.size(); ++i) bytes.push_back(all.substr(i, 1));
    ExpectAnswer(c, bytes);
  }
}

TEST(Http1Codec, ErrorsAfterAnEarlierRequestOnTheConnection) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  ASSERT_TRUE(codec.Feed("GET /a HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  EXPECT_EQ(FeedError(codec, std::string("GET /b HTTP/1.1\r\nHost: x\r\nX: a\0\r\n\r\n", 35)),
            ErrorKind::kBadRequest);
  EXPECT_EQ(rec.requests.size(), 1u);
}

TEST(Http1Codec, UpgradeRequestsParseAsOrdinaryOnes) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  std::string in =
      "GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
      "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  auto used = codec.Feed(in);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, in.size());
  ASSERT_EQ(rec.requests.size(), 2u);
  EXPECT_EQ(rec.requests[1].path, "/b");
}

TEST(Http1Codec, MalformedIs400) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  EXPECT_EQ(FeedError(codec, "GARBAGE\r\n\r\n"), ErrorKind::kBadRequest);
  Http1Codec codec2({}, &rec);
  EXPECT_EQ(FeedError(codec2, "GET / HTTP/1.1\r\nBad Header\r\n\r\n"), ErrorKind::kBadRequest);
}

TEST(Http1Codec, SmugglingShapeIs400) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  EXPECT_EQ(FeedError(codec,
                      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            ErrorKind::kBadRequest);
}

TEST(Http1Codec, LongTargetIs414) {
  Recorder rec;
  http::Limits limits;
  limits.max_request_line = 64;
  Http1Codec codec(limits, &rec);
  EXPECT_EQ(FeedError(codec, "GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            ErrorKind::kUriTooLong);
}

TEST(Http1Codec, LargeHeadersAre431) {
  Recorder rec;
  http::Limits limits;
  limits.max_header_bytes = 256;
  Http1Codec codec(limits, &rec);
  EXPECT_EQ(
      FeedError(codec, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(300, 'a') + "\r\n\r\n"),
      ErrorKind::kHeaderTooLarge);
  limits.max_headers = 3;
  Http1Codec codec2(limits, &rec);
  EXPECT_EQ(FeedError(codec2, "GET / HTTP/1.1\r\na: 1\r\nb: 1\r\nc: 1\r\nd: 1\r\ne: 1\r\n\r\n"),
            ErrorKind::kHeaderTooLarge);
}

TEST(Http1Codec, DeclaredAndStreamedBodyOverLimitAre413) {
  Recorder rec;
  http::Limits limits;
  limits.max_body_bytes = 10;
  Http1Codec codec(limits, &rec);
  EXPECT_EQ(FeedError(codec, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"),
            ErrorKind::kPayloadTooLarge);
  Http1Codec codec2(limits, &rec);
  EXPECT_EQ(FeedError(codec2,
                      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n"),
            ErrorKind::kPayloadTooLarge);
  EXPECT_TRUE(rec.requests.empty());
}

TEST(Http1Codec, EncodesResponse) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  http::Response resp;
  resp.status = 201;
  resp.content_type = "application/json";
  resp.body = "{}";
  resp.headers.Add("X-Id", "1");
  resp.headers.Add("X-Evil", "a\r\nSet-Cookie: x");
  std::string out;
  codec.EncodeResponse(resp, false, true, false, &out);
  EXPECT_EQ(out.rfind("HTTP/1.1 201 Created\r\n", 0), 0u);
  EXPECT_NE(out.find("Content-Length: 2\r\n"), std::string::npos);
  EXPECT_NE(out.find("x-id: 1\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  EXPECT_NE(out.find("\r\nDate: "), std::string::npos);
  EXPECT_NE(out.find("Server: data-bridge"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 6), "\r\n\r\n{}");
  std::string head;
  codec.EncodeResponse(resp, true, false, false, &head);
  EXPECT_NE(head.find("Content-Length: 2\r\n"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(Http1Codec, EncodesStreamingResponses) {
  Recorder rec;
  Http1Codec codec({}, &rec);
  http::Response resp;
  resp.streaming = true;
  resp.body = "first";
  std::string out;
  codec.EncodeResponse(resp, false, true, false, &out);  // HTTP/1.1: chunked
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 14), "\r\n\r\n5\r\nfirst\r\n");
  std::string closing;
  codec.EncodeResponse(resp, false, false, false, &closing);  // closing, still chunked
  EXPECT_NE(closing.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_NE(closing.find("Connection: close\r\n"), std::string::npos);
  std::string http10;
  codec.EncodeResponse(resp, false, false, true, &http10);  // delimited by the close
  EXPECT_EQ(http10.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(http10.find("Content-Length"), std::string::npos);
  EXPECT_NE(http10.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(http10.substr(http10.size() - 9), "\r\n\r\nfirst");
  std::string chunks;
  AppendChunk("", &chunks);  // nothing: an empty chunk would end the body
  AppendChunk(std::string(26, 'z'), &chunks);
  EXPECT_EQ(chunks, "1a\r\n" + std::string(26, 'z') + "\r\n");
}

}  // namespace
}  // namespace databridge::http1
