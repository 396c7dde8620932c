#include "framework/server/cors.h"

#include <gtest/gtest.h>

namespace databridge::server {
namespace {

CorsConfig ListConfig() {
  CorsConfig c;
  c.allow_origins = {"https://a.example"};
  c.allow_origin_regex = R"(https://.*\.example\.org)";
  c.allow_methods = {"GET", "POST"};
  c.allow_headers = {"accept", "x-custom"};
  c.preflight_explicit_allow_origin = true;
  c.preflight_headers = {{"vary", "Origin"}, {"access-control-allow-methods", "GET, POST"}};
  c.simple_headers = {{"access-control-expose-headers", "X-Total"}};
  return c;
}

http::Request Preflight(const char* origin, const char* method, const char* headers) {
  http::Request r;
  r.method = "OPTIONS";
  r.headers.Add("Origin", origin);
  r.headers.Add("Access-Control-Request-Method", method);
  if (headers != nullptr) r.headers.Add("Access-Control-Request-Headers", headers);
  return r;
}

TEST(CorsPolicy, AnswersAnAllowedPreflightWithTheOrigin) {
  CorsPolicy cors(ListConfig());
  ASSERT_TRUE(cors.ok());
  http::Request r = Preflight("https://a.example", "POST", "X-Custom, accept");
  ASSERT_TRUE(cors.IsPreflight(r));
  http::Response out = cors.Preflight(r);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, "OK");
  EXPECT_EQ(out.headers.Get("access-control-allow-origin"), "https://a.example");
  EXPECT_EQ(out.headers.Get("access-control-allow-methods"), "GET, POST");
}

TEST(CorsPolicy, NamesEveryFailureOfARefusedPreflight) {
  CorsPolicy cors(ListConfig());
  http::Response out = cors.Preflight(Preflight("https://evil.example", "PUT", "x-other"));
  EXPECT_EQ(out.status, 400);
  EXPECT_EQ(out.body, "Disallowed CORS origin, method, headers");
  EXPECT_FALSE(out.headers.Has("access-control-allow-origin"));
}

TEST(CorsPolicy, MatchesTheRegexWhole) {
  CorsPolicy cors(ListConfig());
  EXPECT_EQ(cors.Preflight(Preflight("https://x.example.org", "GET", nullptr)).status, 200);
  EXPECT_EQ(cors.Preflight(Preflight("https://x.example.org.evil", "GET", nullptr)).status, 400);
}

TEST(CorsPolicy, DecoratesSimpleResponses) {
  CorsPolicy cors(ListConfig());
  http::Response allowed;
  allowed.headers.Add("Vary", "Accept");
  cors.Decorate("https://a.example", &allowed);
  EXPECT_EQ(allowed.headers.Get("access-control-allow-origin"), "https://a.example");
  EXPECT_EQ(allowed.headers.Get("access-control-expose-headers"), "X-Total");
  EXPECT_EQ(allowed.headers.Get("vary"), "Accept, Origin");

  http::Response refused;
  cors.Decorate("https://evil.example", &refused);
  EXPECT_FALSE(refused.headers.Has("access-control-allow-origin"));
  EXPECT_EQ(refused.headers.Get("vary"), "Origin");

  http::Response no_origin;
  cors.Decorate("", &no_origin);
  EXPECT_FALSE(no_origin.headers.Has("access-control-expose-headers"));
  EXPECT_EQ(no_origin.headers.Get("vary"), "Origin");
}

TEST(CorsPolicy, ReportsABadRegex) {
  CorsConfig c = ListConfig();
  c.allow_origin_regex = "(";
  EXPECT_FALSE(CorsPolicy(std::move(c)).ok());
}

TEST(CorsPolicy, AnOptionsRequestWithoutRequestMethodIsNoPreflight) {
  CorsPolicy cors(ListConfig());
  http::Request r;
  r.method = "OPTIONS";
  r.headers.Add("Origin", "https://a.example");
  EXPECT_FALSE(cors.IsPreflight(r));
}

}  // namespace
}  // namespace databridge::server
