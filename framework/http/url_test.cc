#include "framework/http/url.h"

#include "gtest/gtest.h"

namespace databridge::http {
namespace {

TEST(PercentDecode, DecodesEscapes) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a%40b", &out));
  EXPECT_EQ(out, "a@b");
  ASSERT_TRUE(PercentDecode("%E2%9C%93%20x+y", &out));
  EXPECT_EQ(out, "\xE2\x9C\x93 x+y");
  ASSERT_TRUE(PercentDecode("x+y", &out, /*plus_as_space=*/true));
  EXPECT_EQ(out, "x y");
}

TEST(PercentDecode, RejectsMalformed) {
  std::string out;
  EXPECT_FALSE(PercentDecode("%", &out));
  EXPECT_FALSE(PercentDecode("%4", &out));
  EXPECT_FALSE(PercentDecode("%zz", &out));
  EXPECT_FALSE(PercentDecode("ab%", &out));
}

TEST(ParseQuery, RepeatedKeysAndBlanks) {
  QueryPairs q = ParseQuery("q=a+b&tag=x&&tag=y&flag&e=");
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>("q", "a b")));
  EXPECT_EQ(q[1].second, "x");
  EXPECT_EQ(q[2].second, "y");
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>("flag", "")));
  EXPECT_EQ(q[4], (std::pair<std::string, std::string>("e", "")));
}

TEST(ParseQuery, KeepsMalformedEscapesLiterally) {
  QueryPairs q = ParseQuery("a=%zz");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].second, "%zz");
}

}  // namespace
}  // namespace databridge::http
