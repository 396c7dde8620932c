#include "framework/server/gzip_policy.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace databridge::server {
namespace {

std::string Gunzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

http::Response Text(std::string body, const char* type = "text/plain; charset=utf-8") {
  http::Response r;
  r.content_type = type;
  r.body = std::move(body);
  return r;
}

TEST(GzipPolicy, CompressesLargeAnswersWhenAccepted) {
  GzipPolicy gzip({500, 9, {"image/*"}});
  const std::string body(2000, 'a');
  http::Response r = Text(body);
  r.headers.Add("Vary", "Cookie");
  gzip.Apply(true, &r);
  EXPECT_EQ(r.headers.Get("content-encoding"), "gzip");
  EXPECT_EQ(r.headers.Get("vary"), "Cookie, Accept-Encoding");
  EXPECT_LT(r.body.size(), body.size());
  EXPECT_EQ(Gunzip(r.body), body);
}

TEST(GzipPolicy, OnlyVariesWhenNotAccepted) {
  GzipPolicy gzip({500, 9, {}});
  http::Response r = Text(std::string(600, 'b'));
  gzip.Apply(false, &r);
  EXPECT_FALSE(r.headers.Has("content-encoding"));
  EXPECT_EQ(r.headers.Get("vary"), "Accept-Encoding");
}

TEST(GzipPolicy, LeavesSmallExcludedEncodedAndPartialAnswers) {
  GzipPolicy gzip({500, 9, {"image/*", "application/grpc"}});
  http::Response small = Text("tiny");
  http::Response png = Text(std::string(600, 'c'), "image/png");
  http::Response grpc = Text(std::string(600, 'c'), "application/grpc+proto");
  http::Response encoded = Text(std::string(600, 'd'));
  encoded.headers.Add("Content-Encoding", "br");
  http::Response partial = Text(std::string(600, 'e'));
  partial.status = 206;
  for (http::Response* r : {&small, &png, &grpc, &encoded, &partial}) {
    const std::string before = r->body;
    gzip.Apply(true, r);
    EXPECT_EQ(r->body, before);
    EXPECT_FALSE(r->headers.Has("vary"));
  }
}

TEST(GzipPolicy, AcceptsAsStarlette) {
  http::Request r;
  r.headers.Add("Accept-Encoding", "br;q=1, gzip;q=0.5");
  EXPECT_TRUE(GzipPolicy::Accepts(r));
  http::Request none;
  EXPECT_FALSE(GzipPolicy::Accepts(none));
}

TEST(GzipPolicy, StreamsPieceByPieceIntoOneMember) {
  GzipPolicy gzip({500, 6, {"text/event-stream"}});
  http::Response r = Text("first;");
  r.streaming = true;
  std::unique_ptr<GzipStream> stream = gzip.Begin(true, &r);
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(r.headers.Get("content-encoding"), "gzip");
  EXPECT_EQ(r.headers.Get("vary"), "Accept-Encoding");
  std::string wire = r.body;  // the first piece, compressed (perhaps just the header)
  std::string expected = "first;";
  for (int i = 0; i < 60; ++i) {  // pieces of many sizes, one empty
    std::string piece(static_cast<size_t>(i * 37 % 1500), static_cast<char>('a' + i % 26));
    expected += piece;
    ASSERT_TRUE(stream->Write(piece, false, &wire));
  }
  ASSERT_TRUE(stream->Write("last", true, &wire));
  expected += "last";
  ASSERT_LT(expected.size(), 1u << 16);
  EXPECT_EQ(Gunzip(wire), expected);
}

TEST(GzipPolicy, StreamsOnlyVaryWhenNotAcceptedAndLeaveExcludedOnes) {
  GzipPolicy gzip({500, 6, {"text/event-stream"}});
  http::Response plain = Text("x");
  plain.streaming = true;
  EXPECT_EQ(gzip.Begin(false, &plain), nullptr);
  EXPECT_EQ(plain.headers.Get("vary"), "Accept-Encoding");
  EXPECT_FALSE(plain.headers.Has("content-encoding"));
  EXPECT_EQ(plain.body, "x");
  http::Response events = Text("data: 1\n\n", "text/event-stream");
  events.streaming = true;
  EXPECT_EQ(gzip.Begin(true, &events), nullptr);
  EXPECT_FALSE(events.headers.Has("vary"));
  http::Response complete = Text("x");  // not streaming: Apply's
  EXPECT_EQ(gzip.Begin(true, &complete), nullptr);
}

}  // namespace
}  // namespace databridge::server
