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

TEST(RouteTable, HeadOnlyWhereDeclaredWhenAskedTo) {
  RouteTable t = Sample();
  t.set_head_from_get(false);
  RouteMatch m = t.Match("HEAD", "/users/5");
  EXPECT_EQ(m.result, Result::kMethodNotAllowed);
  EXPECT_EQ(m.allow.find("HEAD"), std::string::npos) << m.allow;
  EXPECT_EQ(t.Match("GET", "/users/5").result, Result::kFound);
}

TEST(RouteTable, GoogleApiHttpVariablesSpanSegments) {
  RouteTable t;
  ASSERT_TRUE(t.Add("GET", "/v1/{name=shelves/*/books/*}", 1).ok());
  ASSERT_TRUE(t.Add("GET", "/v1/{parent=shelves/*}/books", 2).ok());
  ASSERT_TRUE(t.Add("PATCH", "/v1/{book.name=shelves/*/books/*}", 3).ok());
  ASSERT_TRUE(t.Add("GET", "/v1/files/{path=**}", 4).ok());
  RouteMatch m = t.Match("GET", "/v1/shelves/s%201/books/b2");
  ASSERT_EQ(m.result, Result::kFound);
  EXPECT_EQ(m.endpoint, 1u);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>("name", "shelves/s 1/books/b2")));
  m = t.Match("GET", "/v1/shelves/7/books");
  EXPECT_EQ(m.endpoint, 2u);
  EXPECT_EQ(m.params[0].second, "shelves/7");
  m = t.Match("PATCH", "/v1/shelves/7/books/9");
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>("book.name", "shelves/7/books/9")));
  EXPECT_EQ(t.Match("GET", "/v1/files/a/b/c").params[0].second, "a/b/c");
  EXPECT_EQ(t.Match("GET", "/v1/shelves/7/racks/9").result, Result::kNotFound);
  EXPECT_EQ(t.Match("DELETE", "/v1/shelves/7/books/9").allow, "GET, HEAD, PATCH");
}

TEST(RouteTable, RejectsBadTemplates) {
  RouteTable t;
  EXPECT_FALSE(t.Add("GET", "users", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x}.txt", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{rest:path}/b", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x}/{x}", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x:regex}", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x=b/**}/c", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x=b/c*}", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{x", 0).ok());
  EXPECT_TRUE(t.Add("GET", "/a/{x}", 0).ok());
  EXPECT_FALSE(t.Add("GET", "/a/{y}", 1).ok());  // same shape, same method
}

}  // namespace
}  // namespace databridge::router
