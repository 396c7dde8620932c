#include "framework/server/binder.h"

#include "framework/base/error_kind.h"
#include "gtest/gtest.h"

namespace databridge::server {
namespace {

using validate::TypeKind;
using validate::TypeSpec;

validate::TypeSpecPtr Spec(TypeKind kind) {
  auto s = std::make_shared<TypeSpec>();
  s->kind = kind;
  return s;
}

Endpoint SearchEndpoint() {
  Endpoint ep;
  ep.params.push_back({"user_id", ParamSource::kPath, "user_id", Spec(TypeKind::kInt), true});
  ep.params.push_back({"q", ParamSource::kQuery, "q", Spec(TypeKind::kString), true});
  auto tags = std::make_shared<TypeSpec>();
  tags->kind = TypeKind::kList;
  tags->items = Spec(TypeKind::kString);
  ep.params.push_back({"tag", ParamSource::kQuery, "tag", tags, false});
  ep.params.push_back({"x_token", ParamSource::kHeader, "x-token", Spec(TypeKind::kString), false});
  return ep;
}

TEST(Bind, PathQueryHeader) {
  http::Request req;
  req.query = "q=hello+world&tag=a&tag=b";
  req.headers.Add("X-Token", "secret");
  BindResult r = Bind(SearchEndpoint(), req, {{"user_id", "7"}});
  ASSERT_TRUE(r.status.ok());
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.args[0].i, 7);
  EXPECT_EQ(r.args[1].s, "hello world");
  ASSERT_EQ(r.args[2].items.size(), 2u);
  EXPECT_EQ(r.args[2].items[1].s, "b");
  EXPECT_EQ(r.args[3].s, "secret");
}

TEST(Bind, CollectsAllErrors) {
  http::Request req;
  BindResult r = Bind(SearchEndpoint(), req, {{"user_id", "x"}});
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(validate::LocJson(r.errors[0].loc), R"(["path","user_id"])");
  EXPECT_EQ(validate::LocJson(r.errors[1].loc), R"(["query","q"])");
  EXPECT_EQ(r.errors[1].type, "missing");
  EXPECT_EQ(r.args[2].kind, validate::Value::Kind::kMissing);
}

TEST(Bind, JsonBody) {
  Endpoint ep;
  ep.params.push_back({"item", ParamSource::kBody, "item", Spec(TypeKind::kAny), true});
  http::Request req;
  BindResult missing = Bind(ep, req, {});
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(validate::LocJson(missing.errors[0].loc), R"(["body"])");
  req.body = "{\"a\": 1";
  BindResult bad = Bind(ep, req, {});
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].type, "json_invalid");
  req.body = "{\"a\": 1}";
  req.headers.Add("content-type", "text/plain");
  BindResult wrong = Bind(ep, req, {});
  EXPECT_EQ(KindOf(wrong.status), ErrorKind::kUnsupportedMediaType);
  http::Request ok;
  ok.body = "{\"a\": 1}";
  ok.headers.Add("content-type", "application/vnd.api+json; charset=utf-8");
  BindResult good = Bind(ep, ok, {});
  ASSERT_TRUE(good.status.ok());
  // Checked here, built later from its own document (validate::DeferredJson).
  ASSERT_EQ(good.args[0].kind, validate::Value::Kind::kCompiled);
  EXPECT_NE(good.args[0].compiled(), nullptr);
}

// FastAPI's Form(): a body that is no form reads as an empty one.
TEST(Bind, FormOrEmpty) {
  auto form = std::make_shared<TypeSpec>();
  form->kind = TypeKind::kObject;
  form->fields = {{"username", "username", Spec(TypeKind::kString), true},
                  {"n", "n", Spec(TypeKind::kInt), false}};
  Endpoint ep;
  ParamSpec body{"form", ParamSource::kBody, "form", form, true};
  body.accepts_json = false;
  body.accepts_form = true;
  body.form_or_empty = true;
  ep.params.push_back(body);
  for (const char* type : {"", "application/json", "text/plain"}) {
    http::Request req;
    req.body = "{\"username\": \"a\"}";
    req.headers.Add("content-type", type);
    BindResult r = Bind(ep, req, {});
    EXPECT_TRUE(r.status.ok()) << type;
    ASSERT_EQ(r.errors.size(), 1u) << type;
    EXPECT_EQ(validate::LocJson(r.errors[0].loc), R"(["body","username"])");
    EXPECT_EQ(r.errors[0].type, "missing");
  }
  http::Request ok;
  ok.body = "username=a&n=1&n=2";
  ok.headers.Add("content-type", "application/x-www-form-urlencoded");
  BindResult good = Bind(ep, ok, {});
  ASSERT_TRUE(good.status.ok());
  EXPECT_TRUE(good.errors.empty());
}

TEST(IsJsonMediaType, Variants) {
  EXPECT_TRUE(IsJsonMediaType("application/json"));
  EXPECT_TRUE(IsJsonMediaType("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(IsJsonMediaType("application/problem+json"));
  EXPECT_FALSE(IsJsonMediaType("text/json+x"));
  EXPECT_FALSE(IsJsonMediaType("application/x-www-form-urlencoded"));
}

}  // namespace
}  // namespace databridge::server
