#include "framework/server/host_check.h"

#include <gtest/gtest.h>

namespace databridge::server {
namespace {

http::Request Get(const char* host, bool with_host = true) {
  http::Request r;
  r.method = "GET";
  r.path = "/p";
  r.query = "q=1";
  if (with_host) r.headers.Add("Host", host);
  return r;
}

TEST(ParseHostHeader, SplitsHostAndPortAsStarlette) {
  auto p = ParseHostHeader("Example.com:8080");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->host, "Example.com");
  EXPECT_EQ(p->port, "8080");
  p = ParseHostHeader("[::1]:80");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->host, "[::1]");
  EXPECT_FALSE(ParseHostHeader("[zz::1]").has_value());
  EXPECT_FALSE(ParseHostHeader("a b").has_value());
  EXPECT_FALSE(ParseHostHeader("").has_value());
}

TEST(HostRules, TrustedHostsAllowWildcardsAndRedirectToWww) {
  HostRules rules({HostRule::Trusted({"example.com", "*.example.org", "www.shop.test"}, true)});
  EXPECT_FALSE(rules.Check(Get("EXAMPLE.com:81"), false).has_value());
  EXPECT_FALSE(rules.Check(Get("a.example.org"), false).has_value());
  auto refused = rules.Check(Get("example.org"), false);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(refused->body, "Invalid host header");
  auto www = rules.Check(Get("shop.test"), true);
  ASSERT_TRUE(www.has_value());
  EXPECT_EQ(www->status, 307);
  EXPECT_EQ(www->headers.Get("location"), "https://www.shop.test/p?q=1");
  EXPECT_EQ(rules.Check(Get("", false), false)->status, 400);
}

TEST(HostRules, HttpsRedirectDropsDefaultPorts) {
  HostRules rules({HostRule::HttpsRedirect()});
  EXPECT_EQ(rules.Check(Get("a.test:80"), false)->headers.Get("location"), "https://a.test/p?q=1");
  EXPECT_EQ(rules.Check(Get("a.test:8080"), false)->headers.Get("location"),
            "https://a.test:8080/p?q=1");
  EXPECT_FALSE(rules.Check(Get("a.test"), true).has_value());
}

}  // namespace
}  // namespace databridge::server
