#include "framework/python/internal/plan_reader.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace databridge::python {
namespace {

using validate::TypeKind;

TEST(PlanReaderTest, EntriesAreSharedAndARecursiveModelRefersToItself) {
  plan::Plan p;
  plan::TypeSpec* node = p.add_types();  // 0: Node {label: str, parent: Node?}
  node->set_kind(plan::TypeSpec::OBJECT);
  node->set_title("Node");
  node->set_model(0);
  auto* label = node->add_fields();
  label->set_name("label");
  label->set_key("label");
  label->set_type(1);
  label->set_required(true);
  auto* parent = node->add_fields();
  parent->set_name("parent");
  parent->set_key("parent");
  parent->set_type(0);
  plan::TypeSpec* str = p.add_types();  // 1: str, 1..8 characters
  str->set_kind(plan::TypeSpec::STR);
  str->set_min_length(1);
  str->set_max_length(8);
  str->mutable_ge()->set_value(0);  // (nonsense on a string, but carried as given)
  str->mutable_ge()->set_text("0");
  plan::TypeSpec* list = p.add_types();  // 2: list[Node], unique
  list->set_kind(plan::TypeSpec::LIST);
  list->set_items(0);
  list->set_unique_items(true);

  absl::StatusOr<std::vector<validate::TypeSpecPtr>> types = ReadTypes(p);
  ASSERT_TRUE(types.ok()) << types.status();
  ASSERT_EQ(types->size(), 3u);
  const validate::TypeSpec& n = *(*types)[0];
  EXPECT_EQ(n.kind, TypeKind::kObject);
  EXPECT_EQ(n.title, "Node");
  EXPECT_EQ(n.model_index, 0);
  ASSERT_EQ(n.fields.size(), 2u);
  EXPECT_EQ(n.fields[0].type, (*types)[1]);  // shared, not copied
  EXPECT_EQ(n.fields[1].type, (*types)[0]);  // itself
  EXPECT_FALSE(n.fields[1].required);
  const validate::TypeSpec& s = *(*types)[1];
  EXPECT_EQ(s.kind, TypeKind::kString);
  EXPECT_EQ(s.min_length, 1u);
  EXPECT_EQ(s.max_length, 8u);
  ASSERT_TRUE(s.ge.has_value());
  EXPECT_EQ(s.ge->text, "0");
  EXPECT_FALSE(s.gt.has_value());
  EXPECT_EQ((*types)[2]->items, (*types)[0]);
  EXPECT_TRUE((*types)[2]->unique_items);
}

TEST(PlanReaderTest, ListsWithoutItemsHoldAnything) {
  plan::Plan p;
  p.add_types()->set_kind(plan::TypeSpec::LIST);
  auto types = ReadTypes(p);
  ASSERT_TRUE(types.ok());
  ASSERT_NE((*types)[0]->items, nullptr);
  EXPECT_EQ((*types)[0]->items->kind, TypeKind::kAny);
}

TEST(PlanReaderTest, BadReferencesAndPatternsAreErrors) {
  plan::Plan p;
  p.add_types()->set_items(7);
  EXPECT_EQ(ReadTypes(p).status().message(), "type 0: type reference 7 out of range");
  plan::Plan q;
  plan::TypeSpec* s = q.add_types();
  s->set_kind(plan::TypeSpec::STR);
  s->set_pattern("(unclosed");
  EXPECT_TRUE(
      absl::StartsWith(ReadTypes(q).status().message(), "type 0: invalid pattern '(unclosed': "));
  plan::Plan u;
  plan::TypeSpec* un = u.add_types();
  un->set_kind(plan::TypeSpec::UNION);
  auto* mapping = un->add_mapping();
  mapping->set_value("cat");
  mapping->set_variant(0);
  EXPECT_EQ(ReadTypes(u).status().message(), "type 0: discriminator value 'cat' names no variant");
  EXPECT_FALSE(ParsePlan("\xff\xff\xff").ok());
}

TEST(PlanReaderTest, RoutesResolveTheirParameterTypes) {
  plan::Plan p;
  p.add_types()->set_kind(plan::TypeSpec::INT);
  plan::Route* r = p.add_routes();
  r->set_method("GET");
  r->set_path("/items/{item_id}");
  plan::Param* id = r->add_params();
  id->set_name("item_id");
  id->set_source(plan::Param::PATH);
  id->set_key("item_id");
  id->set_required(true);
  id->set_type(0);
  plan::Param* body = r->add_params();
  body->set_name("form");
  body->set_source(plan::Param::BODY);
  body->set_key("form");
  body->set_accepts_form(true);
  body->set_type(0);
  auto types = ReadTypes(p);
  ASSERT_TRUE(types.ok());
  absl::StatusOr<server::Endpoint> ep = ReadRoute(p.routes(0), *types, {});
  ASSERT_TRUE(ep.ok()) << ep.status();
  EXPECT_EQ(ep->method, "GET");
  ASSERT_EQ(ep->params.size(), 2u);
  EXPECT_EQ(ep->params[0].source, server::ParamSource::kPath);
  EXPECT_EQ(ep->params[0].type, (*types)[0]);
  EXPECT_FALSE(ep->params[1].accepts_json);
  EXPECT_TRUE(ep->params[1].accepts_form);
  body->set_type(3);
  EXPECT_EQ(ReadRoute(p.routes(0), *types, {}).status().message(),
            "GET /items/{item_id} parameter 'form': type reference out of range");
  r->set_compiled_service(0);  // no services given
  EXPECT_FALSE(ReadRoute(p.routes(0), *types, {}).ok());
}

}  // namespace
}  // namespace databridge::python
