#include "framework/router/route_table.h"

#include "gtest/gtest.h"

namespace databridge::router {
namespace {

using Result = RouteMatch::Result;

RouteTable Sample() {
  RouteTable t;
  EXPECT_TRUE(t.Add("GET", "/", 0).ok());
  EXPECT_TRUE(t.Add("GET", "/users/{user_id}", 1).ok());
  EXPECT_TRUE(t.Add("DELETE", "/users/{user_id}", 2).ok());
  EXPECT_TRUE(t.Add("GET", "/users/me", 3).ok());
  EXPECT_TRUE(t.Add("GET", "/users/{id}/posts/{post}", 4).ok());
  EXPECT_TRUE(t.Add("GET", "/files/{rest:path}", 5).ok());
  EXPECT_TRUE(t.Add("POST", "/items", 6).ok());
  return t;
}

TEST(RouteTable, LiteralBeatsParam) {
  RouteTable t = Sample();
  RouteMatch m = t.Match("GET", "/users/me");
  EXPECT_EQ(m.result, Result::kFound);
  EXPECT_EQ(m.endpoint, 3u);
  m = t.Match("GET", "/users/42");
  EXPECT_EQ(m.endpoint, 1u);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "user_id");
  EXPECT_EQ(m.params[0].second, "42");
}

TEST(RouteTable, BacktracksFromLiteral) {
  RouteTable t = Sample();
  RouteMatch m = t.Match("GET", "/users/me/posts/9");
  EXPECT_EQ(m.result, Result::kFound);
  EXPECT_EQ(m.endpoint, 4u);
  EXPECT_EQ(m.params[0].second, "me");
  EXPECT_EQ(m.params[1].first, "post");
}

TEST(RouteTable, PercentDecodesParamsAfterMatching) {
  RouteTable t = Sample();
  RouteMatch m = t.Match("GET", "/users/a%40b");
  EXPECT_EQ(m.params[0].second, "a@b");
  m = t.Match("GET", "/users/a%2Fb");
  EXPECT_EQ(m.result, Result::kFound);
  EXPECT_EQ(m.params[0].second, "a/b");
  EXPECT_EQ(t.Match("GET", "/users/%zz").result, Result::kBadPath);
}

TEST(RouteTable, CatchAll) {
  RouteTable t = Sample();
  RouteMatch m = t.Match("GET", "/files/a/b/c.txt");
  EXPECT_EQ(m.endpoint, 5u);
  EXPECT_EQ(m.params[0].first, "rest");
  EXPECT_EQ(m.params[0].second, "a/b/c.txt");
}

TEST(RouteTable, NotFoundAndMethodNotAllowed) {
  RouteTable t = Sample();
  EXPECT_EQ(t.Match("GET", "/nope").result, Result::kNotFound);
  EXPECT_EQ(t.Match("GET", "/users").result, Result::kNotFound);
  EXPECT_EQ(t.Match("GET", "/users/").result, Result::kNotFound);
  EXPECT_EQ(t.Match("GET", "").result, Result::kNotFound);
  RouteMatch m = t.Match("PUT", "/users/1");
  EXPECT_EQ(m.result, Result::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
  m = t.Match("GET", "/items");
  EXPECT_EQ(m.result, Result::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "POST");
}

TEST(RouteTable, RootAndHeadFallsBackToGet) {
  RouteTable t = Sample();
  EXPECT_EQ(t.Match("GET", "/").endpoint, 0u);
  RouteMatch m = t.Match("HEAD", "/users/5");
  EXPECT_EQ(m.result, Result::kFound);
  EXPECT_EQ(m.endpoint, 1u);
}

TEST(RouteTable, RejectsBadTemplates) {
  RouteTable t;
  EXPECT_FALSE(t.Add("GET", "users", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x}.txt", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{rest:path}/b", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x}/{x}", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x:regex}", 0).ok());
  EXPECT_TRUE(t.Add("GET", "/a/{x}", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{y}", 1).ok());  // same shape, same method
}

}  // namespace
}  // namespace databridge::router
