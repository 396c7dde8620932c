#include "framework/validate/deferred_json.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "framework/json/json_escape.h"
#include "framework/json/json_reader.h"
#include "framework/validate/validator.h"
#include "gtest/gtest.h"

namespace databridge::validate {
namespace {

// A Builder that renders what it is asked to build as text: Model#2{name=..,..}, enum
// members as Enum#model[index], so a test reads the calls a binding layer would get.
class TextBuilder final : public Builder {
 public:
  Built Null() override { return Make("None"); }
  Built Bool(bool v) override { return Make(v ? "True" : "False"); }
  Built Int(int64_t v) override { return Make(std::to_string(v)); }
  Built Float(double v) override { return Make(absl::StrCat(v, "f")); }
  Built Str(absl::string_view v) override { return Make(json::JsonString(v)); }
  Built Uuid(absl::string_view v) override { return Make(absl::StrCat("UUID(", v, ")")); }
  Built EnumMember(int model, int index, absl::string_view value_json) override {
    return Make(absl::StrCat("Enum#", model, "[", index, "]=", value_json));
  }
  Built List(size_t size) override { return Make(absl::StrCat("[", size, ":")); }
  void ListSet(Built list, size_t i, Built item) override {
    absl::StrAppend(Text(list), i == 0 ? "" : ",", Take(item));
  }
  Built Dict() override { return Make("{"); }
  void DictSet(Built dict, absl::string_view key, Built value) override {
    absl::StrAppend(Text(dict), key, "=", Take(value), ";");
  }
  Built Object(int model, const char* const* names, Built* fields, size_t n) override {
    std::string out = absl::StrCat("Model#", model, "{");
    for (size_t k = 0; k < n; ++k) {
      absl::StrAppend(&out, k == 0 ? "" : ",", names[k], "=",
                      fields[k] == nullptr ? "<default>" : Take(fields[k]));
    }
    return Make(out + "}");
  }
  Built Any(const Value& v) override { return Make(absl::StrCat("Any(", int(v.kind), ")")); }
  bool failed() const override { return false; }
  Built Bytes(absl::string_view v) override { return Make(absl::StrCat("b", v)); }
  Built AsSequence(Built list, int kind) override {
    return Make(absl::StrCat("seq", kind, "(", Take(list), ")"));
  }
  Built Decimal(absl::string_view text) override { return Make(absl::StrCat("D", text)); }
  Built DecimalOfFloat(double v) override { return Make(absl::StrCat("Df", v)); }
  Built Temporal(TypeKind kind, const validate::Temporal& t) override {
    return Make(absl::StrCat("t", int(kind), ":", t.year, "-", t.month, "-", t.day, "T", t.hour,
                             ":", t.minute, ":", t.second, ".", t.microsecond,
                             t.has_offset ? absl::StrCat("@", t.offset_seconds) : ""));
  }

  static std::string Take(Built b) {
    std::unique_ptr<std::string> s(reinterpret_cast<std::string*>(b));
    return *s;
  }

 private:
  static Built Make(std::string s) {
    return reinterpret_cast<Built>(new std::string(std::move(s)));
  }
  static std::string* Text(Built b) { return reinterpret_cast<std::string*>(b); }
};

std::shared_ptr<TypeSpec> Spec(TypeKind kind) {
  auto s = std::make_shared<TypeSpec>();
  s->kind = kind;
  return s;
}

// Checks `json` against `spec`, then builds it as a DeferredJson would (its own document).
std::string Built(const TypeSpecPtr& spec, const std::string& json) {
  simdjson::dom::document document;
  auto root = json::JsonReader::ForThisThread().ParseInto(document, json);
  EXPECT_TRUE(root.ok());
  Location loc({"body"});
  Errors errors;
  EXPECT_TRUE(CheckJson(*spec, *root, loc, &errors)) << json;
  DeferredJson deferred(std::move(document), spec);
  json::JsonReader::ForThisThread().Parse("[\"the reader's next document\"]");
  TextBuilder builder;
  return TextBuilder::Take(deferred.Build(builder));
}

TEST(DeferredJson, BuildsModelsWithDefaultsEnumsAndLaxScalars) {
  auto tier = Spec(TypeKind::kString);
  tier->allowed_json = {"\"basic\"", "\"gold\""};
  tier->allowed_is_enum = true;
  tier->model_index = 4;
  auto count = Spec(TypeKind::kInt);
  auto notes = Spec(TypeKind::kString);
  notes->nullable = true;
  auto tags = Spec(TypeKind::kList);
  tags->items = Spec(TypeKind::kString);
  auto order = Spec(TypeKind::kObject);
  order->model_index = 2;
  order->fields = {{"tier", "tier", tier, true},
                   {"count", "n", count, true},
                   {"notes", "notes", notes, false},
                   {"tags", "tags", tags, false},
                   {"extra", "extra", Spec(TypeKind::kAny), false}};
  EXPECT_EQ(Built(order, R"({"tags":["a","b\"c"],"n":"12","tier":"gold","notes":null})"),
            R"(Model#2{tier=Enum#4[1]="gold",count=12,notes=None,tags=[2:"a","b\"c",)"
            R"(extra=<default>})");
  // The first of repeated keys, as the generated decoders take it.
  EXPECT_EQ(Built(order, R"({"tier":"basic","n":1.0,"n":"x"})"),
            "Model#2{tier=Enum#4[0]=\"basic\",count=1,notes=<default>,tags=<default>,"
            "extra=<default>}");
}

TEST(DeferredJson, BuildsTheUnionVariantThatValidates) {
  auto u = Spec(TypeKind::kUnion);
  u->variants = {Spec(TypeKind::kInt), Spec(TypeKind::kString)};
  EXPECT_EQ(Built(u, "\"x\""), "\"x\"");
  EXPECT_EQ(Built(u, "5"), "5");
  auto dog = Spec(TypeKind::kObject);
  dog->model_index = 0;
  auto tag = Spec(TypeKind::kString);
  tag->allowed_json = {"\"dog\""};
  dog->fields = {{"kind", "kind", tag, true}};
  auto cat = std::make_shared<TypeSpec>(*dog);
  cat->model_index = 1;
  auto cat_tag = Spec(TypeKind::kString);
  cat_tag->allowed_json = {"\"cat\""};
  cat->fields = {{"kind", "kind", cat_tag, true}};
  auto pet = Spec(TypeKind::kUnion);
  pet->variants = {dog, cat};
  pet->discriminator = "kind";
  pet->mapping = {{"dog", 0}, {"cat", 1}};
  EXPECT_EQ(Built(pet, R"({"kind":"cat"})"), R"(Model#1{kind="cat"})");
}

TEST(DeferredJson, SetsAndTuplesAreBuiltAsTheirContainer) {
  auto tags = Spec(TypeKind::kList);
  tags->items = Spec(TypeKind::kString);
  tags->sequence = TypeSpec::Sequence::kSet;
  EXPECT_EQ(Built(tags, R"(["a","a"])"), R"(seq1([2:"a","a"))");
}

TEST(DeferredJson, DictsAndAny) {
  auto d = Spec(TypeKind::kDict);
  d->items = Spec(TypeKind::kFloat);
  EXPECT_EQ(Built(d, R"({"a":1,"b":2.5})"), "{a=1f;b=2.5f;");
  auto any = Spec(TypeKind::kDict);
  EXPECT_EQ(Built(any, R"({"a":[1]})"), "{a=Any(6);");
}

}  // namespace
}  // namespace databridge::validate
