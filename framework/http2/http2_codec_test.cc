#include "framework/http2/http2_codec.h"

#include <nghttp2/nghttp2.h>

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace databridge::http2 {
namespace {

// A real nghttp2 client session on the other end of the wire.
class Client {
 public:
  Client() {
    nghttp2_session_callbacks* cbs;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(
        cbs, [](nghttp2_session*, const nghttp2_frame* f, const uint8_t* n, size_t nl,
                const uint8_t* v, size_t vl, uint8_t, void* self) {
          auto* c = static_cast<Client*>(self);
          c->headers[f->hd.stream_id][std::string(reinterpret_cast<const char*>(n), nl)] =
              std::string(reinterpret_cast<const char*>(v), vl);
          return 0;
        });
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
        cbs, [](nghttp2_session*, uint8_t, int32_t id, const uint8_t* d, size_t len, void* self) {
          static_cast<Client*>(self)->bodies[id].append(reinterpret_cast<const char*>(d), len);
          return 0;
        });
    nghttp2_session_callbacks_set_on_stream_close_callback(
        cbs, [](nghttp2_session*, int32_t id, uint32_t code, void* self) {
          static_cast<Client*>(self)->closed[id] = code;
          return 0;
        });
    nghttp2_session_callbacks_set_on_frame_recv_callback(
        cbs, [](nghttp2_session*, const nghttp2_frame* f, void* self) {
          if (f->hd.type == NGHTTP2_GOAWAY)
            static_cast<Client*>(self)->goaway = f->goaway.error_code;
          return 0;
        });
    nghttp2_session_client_new(&session, cbs, this);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~Client() { nghttp2_session_del(session); }

  int32_t Get(const std::string& path,
              std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::vector<std::pair<std::string, std::string>> h = {
        {":method", "GET"}, {":scheme", "http"}, {":authority", "t"}, {":path", path}};
    h.insert(h.end(), extra.begin(), extra.end());
    std::vector<nghttp2_nv> nva;
    for (auto& [n, v] : h) {
      nva.push_back({reinterpret_cast<uint8_t*>(n.data()), reinterpret_cast<uint8_t*>(v.data()),
                     n.size(), v.size(), NGHTTP2_NV_FLAG_NONE});
    }
    return nghttp2_submit_request(session, nullptr, nva.data(), nva.size(), nullptr, nullptr);
  }
  std::string Send() {
    std::string out;
    const uint8_t* data;
    ssize_t n;
    while ((n = nghttp2_session_mem_send(session, &data)) > 0) {
      out.append(reinterpret_cast<const char*>(data), n);
    }
    return out;
  }
  void Receive(const std::string& bytes) {
    nghttp2_session_mem_recv(session, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }

  nghttp2_session* session;
  std::map<int32_t, std::map<std::string, std::string>> headers;
  std::map<int32_t, std::string> bodies;
  std::map<int32_t, uint32_t> closed;
  int goaway = -1;
};

class Recorder : public Http2CodecCallbacks {
 public:
  void OnRequest(int32_t id, http::Request r) override { requests.emplace_back(id, std::move(r)); }
  void OnRequestError(int32_t id, const absl::Status& s) override { errors.emplace_back(id, s); }
  std::vector<std::pair<int32_t, http::Request>> requests;
  std::vector<std::pair<int32_t, absl::Status>> errors;
};

std::string Exchange(Http2Codec& codec, Client& client) {
  std::string wire = client.Send();
  EXPECT_TRUE(codec.Receive(wire).ok());
  std::string out;
  codec.Produce(&out);
  client.Receive(out);
  return out;
}

TEST(Http2Codec, RequestsAndResponsesWithTrailers) {
  Recorder rec;
  Http2Codec codec({}, {}, &rec);
  ASSERT_TRUE(codec.Start().ok());
  Client client;
  int32_t a = client.Get("/users/7?x=1", {{"x-token", "t"}});
  int32_t b = client.Get("/json");
  Exchange(codec, client);
  ASSERT_EQ(rec.requests.size(), 2u);
  EXPECT_EQ(rec.requests[0].first, a);
  EXPECT_EQ(rec.requests[0].second.path, "/users/7");
  EXPECT_EQ(rec.requests[0].second.query, "x=1");
  EXPECT_EQ(rec.requests[0].second.headers.Get("x-token"), "t");
  EXPECT_EQ(rec.requests[0].second.headers.Get("host"), "t");
  // Answer out of order; the second with trailers.
  http::Response rb;
  rb.content_type = "application/json";
  rb.body = "{\"b\":1}";
  rb.trailers.Add("grpc-status", "0");
  codec.Submit(b, rb);
  http::Response ra;
  ra.status = 201;
  ra.body = std::string(200000, 'x');  // larger than the initial window: needs updates
  codec.Submit(a, ra);
  for (int i = 0; i < 20; ++i) Exchange(codec, client);
  EXPECT_EQ(client.headers[b][":status"], "200");
  EXPECT_EQ(client.headers[b]["grpc-status"], "0");
  EXPECT_EQ(client.bodies[b], "{\"b\":1}");
  EXPECT_EQ(client.headers[a][":status"], "201");
  EXPECT_EQ(client.bodies[a].size(), 200000u);
  EXPECT_TRUE(codec.Idle());
}

TEST(Http2Codec, StreamingBodiesFollowAsSent) {
  Recorder rec;
  Http2Codec codec({}, {}, &rec);
  ASSERT_TRUE(codec.Start().ok());
  Client client;
  int32_t id = client.Get("/events");
  Exchange(codec, client);
  ASSERT_EQ(rec.requests.size(), 1u);
  http::Response head;
  head.streaming = true;
  codec.Submit(id, head);
  Exchange(codec, client);
  EXPECT_EQ(client.headers[id][":status"], "200");
  EXPECT_EQ(client.headers[id].count("content-length"), 0u);
  EXPECT_EQ(client.closed.count(id), 0u);  // open: nothing to send yet, nothing ended
  EXPECT_GE(codec.SendBody(id, "one,", false), 0);
  Exchange(codec, client);
  EXPECT_EQ(client.bodies[id], "one,");
  EXPECT_GE(codec.SendBody(id, std::string(300000, 'x'), false), 0);  // past the window
  EXPECT_GE(codec.SendBody(id, "end", true), 0);
  for (int i = 0; i < 20; ++i) Exchange(codec, client);
  EXPECT_EQ(client.bodies[id], "one," + std::string(300000, 'x') + "end");
  EXPECT_EQ(client.closed[id], NGHTTP2_NO_ERROR);
  EXPECT_EQ(codec.SendBody(id, "late", false), -1);  // the stream is over

  int32_t failing = client.Get("/events");
  Exchange(codec, client);
  codec.Submit(failing, head);
  codec.SendBody(failing, "partial", false);
  codec.Reset(failing);
  for (int i = 0; i < 3; ++i) Exchange(codec, client);
  EXPECT_EQ(client.closed[failing], NGHTTP2_INTERNAL_ERROR);
  EXPECT_TRUE(codec.Idle());
}

TEST(Http2Codec, OversizeHeaderListIsRefused) {
  Recorder rec;
  http::Limits limits;
  limits.max_header_bytes = 1024;
  Http2Codec codec(limits, {}, &rec);
  ASSERT_TRUE(codec.Start().ok());
  Client client;
  int32_t id = client.Get("/", {{"x-big", std::string(4000, 'a')}});
  Exchange(codec, client);
  EXPECT_TRUE(rec.requests.empty());
  ASSERT_EQ(rec.errors.size(), 1u);
  EXPECT_EQ(rec.errors[0].first, id);
}

TEST(Http2Codec, PingFloodEndsWithEnhanceYourCalm) {
  Recorder rec;
  Http2Codec codec({}, {}, &rec);
  ASSERT_TRUE(codec.Start().ok());
  Client client;
  for (int i = 0; i < 500; ++i) nghttp2_submit_ping(client.session, NGHTTP2_FLAG_NONE, nullptr);
  Exchange(codec, client);
  EXPECT_EQ(client.goaway, NGHTTP2_ENHANCE_YOUR_CALM);
  EXPECT_TRUE(codec.Finished());
}

TEST(Http2Codec, GracefulShutdownFinishesStreamsInFlight) {
  Recorder rec;
  Http2Codec codec({}, {}, &rec);
  ASSERT_TRUE(codec.Start().ok());
  Client client;
  int32_t id = client.Get("/slow");
  Exchange(codec, client);
  codec.Shutdown();
  EXPECT_FALSE(codec.Finished());
  Exchange(codec, client);
  EXPECT_EQ(client.goaway, NGHTTP2_NO_ERROR);
  http::Response r;
  r.body = "done";
  codec.Submit(id, r);
  Exchange(codec, client);
  EXPECT_EQ(client.bodies[id], "done");
  EXPECT_TRUE(codec.Finished());
}

TEST(Http2Codec, BadPrefaceIsAnError) {
  Recorder rec;
  Http2Codec codec({}, {}, &rec);
  ASSERT_TRUE(codec.Start().ok());
  EXPECT_FALSE(codec.Receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n").ok());
}

}  // namespace
}  // namespace databridge::http2
