#include "framework/http1/http1_codec.h"

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
  int starts = 0;
  int continues = 0;
  bool pause_after_each = false;
  std::vector<http::Request> requests;
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
  EXPECT_EQ(FeedError(codec, "GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n"),
            ErrorKind::kUriTooLong);
}

TEST(Http1Codec, LargeHeadersAre431) {
  Recorder rec;
  http::Limits limits;
  limits.max_header_bytes = 256;
  Http1Codec codec(limits, &rec);
  EXPECT_EQ(FeedError(codec, "GET / HTTP/1.1\r\nX-Big: " + std::string(300, 'a') + "\r\n\r\n"),
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
  EXPECT_EQ(FeedError(codec, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n"),
            ErrorKind::kPayloadTooLarge);
  Http1Codec codec2(limits, &rec);
  EXPECT_EQ(FeedError(codec2,
                      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
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
  codec.EncodeResponse(resp, false, true, &out);
  EXPECT_EQ(out.rfind("HTTP/1.1 201 Created\r\n", 0), 0u);
  EXPECT_NE(out.find("Content-Length: 2\r\n"), std::string::npos);
  EXPECT_NE(out.find("x-id: 1\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  EXPECT_NE(out.find("\r\nDate: "), std::string::npos);
  EXPECT_NE(out.find("Server: data-bridge"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 6), "\r\n\r\n{}");
  std::string head;
  codec.EncodeResponse(resp, true, false, &head);
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
  codec.EncodeResponse(resp, false, true, &out);  // kept alive: chunked
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 14), "\r\n\r\n5\r\nfirst\r\n");
  std::string closing;
  codec.EncodeResponse(resp, false, false, &closing);  // delimited by the close
  EXPECT_EQ(closing.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(closing.find("Content-Length"), std::string::npos);
  EXPECT_NE(closing.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(closing.substr(closing.size() - 9), "\r\n\r\nfirst");
  std::string chunks;
  AppendChunk("", &chunks);  // nothing: an empty chunk would end the body
  AppendChunk(std::string(26, 'z'), &chunks);
  EXPECT_EQ(chunks, "1a\r\n" + std::string(26, 'z') + "\r\n");
}

}  // namespace
}  // namespace databridge::http1
