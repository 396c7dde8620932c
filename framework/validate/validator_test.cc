#include "framework/validate/validator.h"

#include <memory>

#include "framework/json/json_reader.h"
#include "gtest/gtest.h"

namespace databridge::validate {
namespace {

std::shared_ptr<TypeSpec> Spec(TypeKind kind) {
  auto s = std::make_shared<TypeSpec>();
  s->kind = kind;
  return s;
}

Value Text(const TypeSpec& spec, absl::string_view text, Errors* errors) {
  Location loc({"query", "p"});
  return ValidateText(spec, text, loc, errors);
}

// ValidateJson, with CheckJson asked the same: the same verdict and the same errors.
Value Json(const TypeSpec& spec, absl::string_view text, Errors* errors) {
  auto root = json::JsonReader::ForThisThread().Parse(text);
  EXPECT_TRUE(root.ok());
  Location loc({"body"});
  Errors checked;
  Location check_loc({"body"});
  const bool ok = CheckJson(spec, *root, check_loc, &checked);
  const size_t before = errors->size();
  Value v = ValidateJson(spec, *root, loc, errors);
  EXPECT_EQ(ok, errors->size() == before && v.kind != Value::Kind::kMissing) << text;
  EXPECT_EQ(checked.size(), errors->size() - before) << text;
  for (size_t i = 0; i < checked.size() && before + i < errors->size(); ++i) {
    EXPECT_EQ(checked[i].type, (*errors)[before + i].type) << text;
    EXPECT_EQ(LocJson(checked[i].loc), LocJson((*errors)[before + i].loc)) << text;
  }
  return v;
}

TEST(ValidateText, IntWithBounds) {
  auto s = Spec(TypeKind::kInt);
  s->ge = Bound{1, "1"};
  s->le = Bound{100, "100"};
  Errors errors;
  EXPECT_EQ(Text(*s, "42", &errors).i, 42);
  EXPECT_TRUE(errors.empty());
  Text(*s, "abc", &errors);
  Text(*s, "0", &errors);
  Text(*s, "101", &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].type, "int_parsing");
  EXPECT_EQ(validate::LocJson(errors[0].loc), "[\"query\",\"p\"]");
  EXPECT_EQ(errors[0].input_json, "\"abc\"");
  EXPECT_EQ(errors[1].type, "greater_than_equal");
  EXPECT_EQ(errors[1].msg, "Input should be greater than or equal to 1");
  EXPECT_EQ(errors[1].ctx_json, "{\"ge\":1}");
  EXPECT_EQ(errors[2].type, "less_than_equal");
}

TEST(ValidateText, BoolFloatUuid) {
  Errors errors;
  EXPECT_TRUE(Text(*Spec(TypeKind::kBool), "Yes", &errors).b);
  EXPECT_FALSE(Text(*Spec(TypeKind::kBool), "off", &errors).b);
  EXPECT_DOUBLE_EQ(Text(*Spec(TypeKind::kFloat), "2.5", &errors).f, 2.5);
  EXPECT_EQ(Text(*Spec(TypeKind::kUuid), "12345678123456781234567812345678", &errors).s,
            "12345678-1234-5678-1234-567812345678");
  EXPECT_TRUE(errors.empty());
  Text(*Spec(TypeKind::kBool), "maybe", &errors);
  Text(*Spec(TypeKind::kUuid), "nope", &errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].type, "bool_parsing");
  EXPECT_EQ(errors[1].type, "uuid_parsing");
}

TEST(ValidateText, StringLengthCountsCharactersAndPattern) {
  auto s = Spec(TypeKind::kString);
  s->min_length = 2;
  s->max_length = 3;
  s->pattern = std::make_shared<RE2>("^[a-zé]+$");
  s->pattern_text = "^[a-zé]+$";
  Errors errors;
  EXPECT_EQ(Text(*s, "éé", &errors).s, "éé");  // 4 bytes, 2 characters
  EXPECT_TRUE(errors.empty());
  Text(*s, "a", &errors);
  Text(*s, "abcd", &errors);
  Text(*s, "A1", &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].type, "string_too_short");
  EXPECT_EQ(errors[0].msg, "String should have at least 2 characters");
  EXPECT_EQ(errors[1].type, "string_too_long");
  EXPECT_EQ(errors[2].type, "string_pattern_mismatch");
  Text(*Spec(TypeKind::kString), "\xff", &errors);
  EXPECT_EQ(errors.back().type, "string_unicode");
}

TEST(ValidateTexts, ListTakesAllScalarTakesLast) {
  auto list = Spec(TypeKind::kList);
  list->items = Spec(TypeKind::kInt);
  Errors errors;
  Location loc({"query", "n"});
  Value v = ValidateTexts(*list, {"1", "2", "x"}, loc, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(validate::LocJson(errors[0].loc), "[\"query\",\"n\",2]");
  errors.clear();
  v = ValidateTexts(*Spec(TypeKind::kInt), {"1", "2"}, loc, &errors);
  EXPECT_EQ(v.i, 2);
}

std::shared_ptr<TypeSpec> ItemSpec() {
  auto name = Spec(TypeKind::kString);
  name->min_length = 1;
  name->max_length = 50;
  auto price = Spec(TypeKind::kFloat);
  price->gt = Bound{0, "0"};
  auto tags = Spec(TypeKind::kList);
  tags->items = Spec(TypeKind::kString);
  auto item = Spec(TypeKind::kObject);
  item->title = "Item";
  item->fields = {
      {"name", "name", name, true}, {"price", "price", price, true}, {"tags", "tags", tags, false}};
  return item;
}

TEST(ValidateJson, ObjectFieldsInSpecOrder) {
  Errors errors;
  Value v = Json(*ItemSpec(), R"({"price": 3, "name": "pen", "extra": 1})", &errors);
  ASSERT_TRUE(errors.empty());
  ASSERT_EQ(v.kind, Value::Kind::kObject);
  EXPECT_EQ(v.items[0].s, "pen");
  EXPECT_DOUBLE_EQ(v.items[1].f, 3.0);
  EXPECT_EQ(v.items[2].kind, Value::Kind::kMissing);
}

TEST(ValidateJson, ReportsEveryViolationWithLocation) {
  Errors errors;
  Json(*ItemSpec(), R"({"name": "", "price": -1, "tags": ["a", 2]})", &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(validate::LocJson(errors[0].loc), "[\"body\",\"name\"]");
  EXPECT_EQ(errors[0].type, "string_too_short");
  EXPECT_EQ(errors[0].msg, "String should have at least 1 character");
  EXPECT_EQ(errors[1].type, "greater_than");
  EXPECT_EQ(errors[1].input_json, "-1");
  EXPECT_EQ(validate::LocJson(errors[2].loc), "[\"body\",\"tags\",1]");
  EXPECT_EQ(errors[2].type, "string_type");
}

TEST(ValidateJson, MissingAndWrongShape) {
  Errors errors;
  Json(*ItemSpec(), R"({"name": "x"})", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].type, "missing");
  EXPECT_EQ(validate::LocJson(errors[0].loc), "[\"body\",\"price\"]");
  EXPECT_EQ(errors[0].input_json, R"({"name":"x"})");
  errors.clear();
  Json(*ItemSpec(), "[1]", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].type, "dataclass_type");
}

TEST(ValidateJson, LaxNumbers) {
  Errors errors;
  EXPECT_EQ(Json(*Spec(TypeKind::kInt), "3.0", &errors).i, 3);
  EXPECT_EQ(Json(*Spec(TypeKind::kInt), "\"12\"", &errors).i, 12);
  EXPECT_TRUE(errors.empty());
  // pydantic validates the Python value json.loads makes: a bool is an int there.
  EXPECT_EQ(Json(*Spec(TypeKind::kInt), "true", &errors).i, 1);
  EXPECT_EQ(Json(*Spec(TypeKind::kFloat), "false", &errors).f, 0.0);
  EXPECT_TRUE(Json(*Spec(TypeKind::kBool), "1.0", &errors).b);
  EXPECT_TRUE(errors.empty());
  Json(*Spec(TypeKind::kInt), "3.5", &errors);
  Json(*Spec(TypeKind::kBool), "0.5", &errors);
  Json(*Spec(TypeKind::kString), "5", &errors);
  Json(*Spec(TypeKind::kInt), "null", &errors);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].type, "int_from_float");
  EXPECT_EQ(errors[1].type, "bool_type");
  EXPECT_EQ(errors[2].type, "string_type");
  EXPECT_EQ(errors[3].type, "int_type");
  auto nullable = Spec(TypeKind::kInt);
  nullable->nullable = true;
  errors.clear();
  EXPECT_EQ(Json(*nullable, "null", &errors).kind, Value::Kind::kNull);
  EXPECT_TRUE(errors.empty());
}

TEST(ValidateJson, OptionalEnumAcceptsNull) {
  auto status = Spec(TypeKind::kString);
  status->allowed_json = {"\"open\"", "\"closed\""};
  status->allowed_is_enum = true;
  status->nullable = true;
  Errors errors;
  EXPECT_EQ(Json(*status, "null", &errors).kind, Value::Kind::kNull);
  EXPECT_TRUE(errors.empty());
  Json(*status, "\"shut\"", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].msg, "Input should be 'open' or 'closed'");
}

TEST(ErrorsJson, FastApiShape) {
  Errors errors;
  AddError(Location({"query", "q"}), "missing", "Field required", "null", &errors);
  EXPECT_EQ(ErrorsJson(errors),
            R"([{"type":"missing","loc":["query","q"],"msg":"Field required","input":null}])");
}

}  // namespace
}  // namespace databridge::validate

namespace databridge::validate {
namespace {

std::shared_ptr<TypeSpec> Variant(const std::string& title, const std::string& tag_value) {
  auto tag = Spec(TypeKind::kString);
  tag->allowed_json = {"\"" + tag_value + "\""};
  auto n = Spec(TypeKind::kInt);
  auto obj = Spec(TypeKind::kObject);
  obj->title = title;
  obj->fields = {{"kind", "kind", tag, true}, {"n", "n", n, true}};
  return obj;
}

TEST(ValidateJson, DiscriminatedUnion) {
  auto u = Spec(TypeKind::kUnion);
  u->variants = {Variant("Dog", "dog"), Variant("Cat", "cat")};
  u->discriminator = "kind";
  u->mapping = {{"dog", 0}, {"cat", 1}};
  Errors errors;
  Value v = Json(*u, R"({"kind": "cat", "n": 3})", &errors);
  ASSERT_TRUE(errors.empty());
  EXPECT_EQ(v.i, 1);
  EXPECT_EQ(v.items[0].items[1].i, 3);
  Json(*u, R"({"kind": "cow", "n": 3})", &errors);
  Json(*u, R"({"n": 3})", &errors);
  Json(*u, R"({"kind": "dog", "n": "x"})", &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].type, "union_tag_invalid");
  EXPECT_EQ(errors[1].type, "union_tag_not_found");
  EXPECT_EQ(validate::LocJson(errors[2].loc), R"(["body","dog","n"])");
}

TEST(ValidateJson, UntaggedUnionTakesFirstMatch) {
  auto u = Spec(TypeKind::kUnion);
  u->variants = {Spec(TypeKind::kInt), Spec(TypeKind::kString)};
  Errors errors;
  EXPECT_EQ(Json(*u, "\"x\"", &errors).i, 1);
  EXPECT_EQ(Json(*u, "5", &errors).i, 0);
  EXPECT_TRUE(errors.empty());
  Json(*u, "[1]", &errors);
  EXPECT_EQ(errors.size(), 2u);
}

}  // namespace
}  // namespace databridge::validate
