// The generated C++ as a C++ user sees it: typed structs filled by Decode<Model>(), every
// violation reported with its location, recursion through Box, untagged and tagged unions.
#include <string>

#include "codegen/back/cpp/petstore_api.h"
#include "codegen/back/cpp/shapes_api.h"
#include "framework/json/json_reader.h"
#include "gtest/gtest.h"

namespace {

using databridge::json::JsonReader;
using databridge::validate::Errors;
using databridge::validate::Location;

simdjson::dom::element Parse(const std::string& text) {
  auto root = JsonReader::ForThisThread().Parse(text);
  EXPECT_TRUE(root.ok()) << text;
  return *root;
}

std::string Summary(const Errors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.type + "@" + databridge::validate::LocJson(e.loc) + " ";
  return out;
}

TEST(Petstore, DecodesIntoTypedStructs) {
  petstore_api::NewPet pet;
  Errors errors;
  Location loc({"body"});
  ASSERT_TRUE(petstore_api::DecodeNewPet(
      Parse(R"({"name":"Rex","age":null,"weight":"2.5","owner":{"email":"a@b.co"},
                "tags":["x","y"],"kind":{"kind":"cat","lives":7},"attributes":{"legs":4}})"),
      loc, &errors, &pet))
      << Summary(errors);
  EXPECT_EQ(pet.name, "Rex");
  ASSERT_TRUE(pet.age.has_value());
  EXPECT_FALSE(pet.age->has_value());  // present and null
  EXPECT_EQ(*pet.weight, 2.5);         // lax: a numeric string
  EXPECT_EQ(pet.owner.email, "a@b.co");
  EXPECT_FALSE(pet.owner.since.has_value());
  EXPECT_EQ(pet.tags->size(), 2u);
  ASSERT_EQ(pet.kind->value.index(), 1u);
  EXPECT_EQ(*std::get<1>(pet.kind->value).lives, 7);
  EXPECT_EQ(pet.attributes->at(0).first, "legs");
  EXPECT_EQ(pet.attributes->at(0).second, 4);
}

TEST(Petstore, ReportsEveryViolationInFieldOrder) {
  petstore_api::NewPet pet;
  Errors errors;
  Location loc({"body"});
  EXPECT_FALSE(petstore_api::DecodeNewPet(
      Parse(R"({"name":"R2-D2","age":100,"weight":0.7,"owner":{"email":"nope"},
                "tags":["a","a"],"kind":{"kind":"cow"},"attributes":{"legs":"four"},"x":1})"),
      loc, &errors, &pet));
  EXPECT_EQ(Summary(errors),
            "string_pattern_mismatch@[\"body\",\"name\"] less_than@[\"body\",\"age\"] "
            "multiple_of@[\"body\",\"weight\"] value_error@[\"body\",\"owner\",\"email\"] "
            "unique_items@[\"body\",\"tags\"] union_tag_invalid@[\"body\",\"kind\"] "
            "int_parsing@[\"body\",\"attributes\",\"legs\"] extra_forbidden@[\"body\",\"x\"] ");
  EXPECT_EQ(errors[1].msg, "Input should be less than 100");
  EXPECT_EQ(errors[1].ctx_json, "{\"lt\":100}");
  errors.clear();
  EXPECT_FALSE(petstore_api::DecodeNewPet(Parse("[]"), loc, &errors, &pet));
  EXPECT_EQ(Summary(errors), "dataclass_type@[\"body\"] ");
  errors.clear();
  EXPECT_FALSE(petstore_api::DecodeNewPet(Parse("{}"), loc, &errors, &pet));
  EXPECT_EQ(Summary(errors), "missing@[\"body\",\"name\"] missing@[\"body\",\"owner\"] ");
}

TEST(Shapes, RecursionUnionsAndNesting) {
  shapes_api::Node node;
  Errors errors;
  Location loc;
  ASSERT_TRUE(shapes_api::DecodeNode(
      Parse(R"({"label":"root","parent":{"label":"up","parent":null},"value":"abc",
                "children":[{"label":"a","value":7},{"label":"b","mode":"slow"}],
                "grid":[[1,2.5],[]],"mode":null,
                "id":"12345678123456781234567812345678"})"),
      loc, &errors, &node))
      << Summary(errors);
  ASSERT_TRUE(node.parent.has_value() && node.parent->has_value());
  EXPECT_EQ((**node.parent)->label, "up");
  EXPECT_EQ(node.children->size(), 2u);
  EXPECT_EQ(std::get<0>(node.children->at(0).value->value), 7);  // int first
  EXPECT_EQ(std::get<1>(node.value->value), "abc");
  EXPECT_EQ(node.children->at(1).mode->value(), shapes_api::Mode::kSLOW);
  EXPECT_EQ(node.grid->at(0).at(1), 2.5);
  EXPECT_EQ(*node.id, "12345678-1234-5678-1234-567812345678");  // canonical form
  errors.clear();
  EXPECT_FALSE(shapes_api::DecodeNode(
      Parse(R"({"label":"","value":"long","children":[{"label":"x","mode":"medium"}]})"), loc,
      &errors, &node));
  // An untagged union lists every variant's complaint, under the variant's name.
  EXPECT_EQ(Summary(errors),
            "string_too_short@[\"label\"] "
            "enum@[\"children\",0,\"mode\"] "
            "int_parsing@[\"value\",0] string_too_long@[\"value\",1] ");
}

TEST(Shapes, ServiceTableHasRoutesBodiesAndParameters) {
  const auto& service = shapes_api::Service();
  EXPECT_EQ(service.abi, databridge::validate::kCompiledAbi);
  EXPECT_NE(service.Find("Node"), nullptr);
  EXPECT_NE(service.Find("putTree.body"), nullptr);
  const auto* route = service.FindRoute("putTree");
  ASSERT_NE(route, nullptr);
  EXPECT_STREQ(route->method, "PUT");
  EXPECT_STREQ(route->path, "/trees/{treeId}");
  const auto* depth = service.Find("putTree.depth");
  ASSERT_NE(depth, nullptr);
  Errors errors;
  Location loc({"query", "depth"});
  auto v = depth->decode_texts({"1", "2"}, loc, &errors);
  ASSERT_EQ(v.items.size(), 2u);
  EXPECT_EQ(v.items[1].i, 2);
  depth->decode_texts({"1", "-2", "3"}, loc, &errors);
  EXPECT_EQ(Summary(errors), "greater_than_equal@[\"query\",\"depth\",1] ");
  errors.clear();
  // Too many: that alone, whatever the items (pydantic's order).
  depth->decode_texts({"1", "-2", "3", "4"}, loc, &errors);
  EXPECT_EQ(Summary(errors), "too_long@[\"query\",\"depth\"] ");
}

}  // namespace
