#include "framework/http/message.h"

#include "framework/http/status_line.h"
#include "gtest/gtest.h"

namespace databridge::http {
namespace {

TEST(HeaderMap, CaseInsensitiveByLowering) {
  HeaderMap h;
  h.Add("Content-Type", "text/plain");
  h.Add("X-A", "1");
  h.Add("x-a", "2");
  EXPECT_EQ(h.Get("content-type"), "text/plain");
  EXPECT_EQ(h.Get("x-a"), "1");
  EXPECT_TRUE(h.Has("x-a"));
  EXPECT_FALSE(h.Has("x-b"));
  EXPECT_EQ(h.size(), 3u);
}

TEST(StatusLine, ReasonsAndDate) {
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(HttpDate().size(), 29u);
  EXPECT_EQ(HttpDate().substr(26), "GMT");
}

}  // namespace
}  // namespace databridge::http
