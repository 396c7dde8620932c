// Fuzz target: Bind, the native binder and interpreted validators, on one endpoint with
// every parameter kind (path, query, repeated query, header, cookie-free JSON, form or
// multipart body)
// and the type specs' features (bounds, lengths, patterns, formats, enums, nested objects,
// lists, dicts, discriminated and plain unions, nullable). The input's pieces, separated
// by 0xFF bytes, are: path value, query string, header value, content type, body.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "framework/json/json_reader.h"
#include "framework/server/binder.h"
#include "framework/validate/compiled.h"
#include "framework/validate/validator.h"

namespace databridge::server {
namespace {

using validate::Bound;
using validate::Field;
using validate::StringFormat;
using validate::TypeKind;
using validate::TypeSpec;
using validate::TypeSpecPtr;

std::shared_ptr<TypeSpec> Spec(TypeKind kind) {
  auto s = std::make_shared<TypeSpec>();
  s->kind = kind;
  return s;
}

TypeSpecPtr Model() {
  auto name = Spec(TypeKind::kString);
  name->min_length = 1;
  name->max_length = 20;
  name->pattern = std::make_shared<RE2>("^[a-z]+$");
  name->pattern_text = "^[a-z]+$";
  auto price = Spec(TypeKind::kFloat);
  price->gt = Bound{0, "0"};
  price->multiple_of = Bound{0.5, "0.5"};
  auto tags = Spec(TypeKind::kList);
  tags->items = Spec(TypeKind::kString);
  tags->unique_items = true;
  tags->max_length = 5;
  auto status = Spec(TypeKind::kString);
  status->allowed_json = {"\"sold\"", "\"available\""};
  status->allowed_is_enum = true;
  auto when = Spec(TypeKind::kString);
  when->format = StringFormat::kDateTime;
  when->nullable = true;
  auto email = Spec(TypeKind::kString);
  email->format = StringFormat::kEmail;
  auto counts = Spec(TypeKind::kDict);
  counts->items = Spec(TypeKind::kInt);
  auto cat = Spec(TypeKind::kObject);
  cat->title = "Cat";
  cat->fields = {{"kind", "kind", Spec(TypeKind::kString), true},
                 {"lives", "lives", Spec(TypeKind::kInt), true}};
  auto dog = Spec(TypeKind::kObject);
  dog->title = "Dog";
  dog->forbid_extra = true;
  dog->alt_keys = true;
  dog->fields = {{"kind", "kind", Spec(TypeKind::kString), true},
                 {"bark", "bark", Spec(TypeKind::kBool), false, "woof"}};
  auto pet = Spec(TypeKind::kUnion);
  pet->variants = {cat, dog};
  pet->discriminator = "kind";
  pet->mapping = {{"cat", 0}, {"dog", 1}};
  auto either = Spec(TypeKind::kUnion);
  either->variants = {Spec(TypeKind::kInt), Spec(TypeKind::kUuid), Spec(TypeKind::kAny)};
  auto files = Spec(TypeKind::kList);  // multipart bodies' file parts
  files->items = Spec(TypeKind::kFile);
  auto item = Spec(TypeKind::kObject);
  item->title = "Item";
  item->alt_keys = true;
  item->fields = {{"name", "name", name, true},
                  {"price", "price", price, true},
                  {"tags", "tags", tags, false},
                  {"status", "status", status, false},
                  {"when", "when", when, false},
                  {"email", "email", email, false},
                  {"counts", "counts", counts, false, "count_map"},
                  {"pet", "pet", pet, false},
                  {"either", "either", either, false},
                  {"files", "files", files, false},
                  {"blob", "blob", Spec(TypeKind::kFileBytes), false},
                  {"at", "at", Spec(TypeKind::kDateTime), false},
                  {"day", "day", Spec(TypeKind::kDate), false},
                  {"clock", "clock", Spec(TypeKind::kTime), false},
                  {"lasting", "lasting", Spec(TypeKind::kTimeDelta), false},
                  {"amount", "amount", Spec(TypeKind::kDecimal), false}};
  return item;
}

// The endpoint, its body read as FastAPI's Form() reads one when `form` (any body that is
// not a form is an empty form).
const Endpoint& TheEndpoint(bool form) {
  static const Endpoint* eps[2] = {nullptr, nullptr};
  const Endpoint*& ep = eps[form];
  if (ep == nullptr)
    ep = [form] {
      auto* e = new Endpoint;
      auto id = Spec(TypeKind::kInt);
      id->ge = Bound{1, "1"};
      e->params.push_back({"id", ParamSource::kPath, "id", id, true});
      auto limit = Spec(TypeKind::kInt);
      limit->le = Bound{100, "100"};
      e->params.push_back({"limit", ParamSource::kQuery, "limit", limit, false});
      auto tag = Spec(TypeKind::kList);
      tag->items = Spec(TypeKind::kUuid);
      e->params.push_back({"tag", ParamSource::kQuery, "tag", tag, false});
      auto flag = Spec(TypeKind::kBool);
      e->params.push_back({"flag", ParamSource::kQuery, "flag", flag, false});
      e->params.push_back(
          {"since", ParamSource::kQuery, "since", Spec(TypeKind::kDateTime), false});
      e->params.push_back(
          {"x_token", ParamSource::kHeader, "x-token", Spec(TypeKind::kFloat), false});
      ParamSpec body{"item", ParamSource::kBody, "item", Model(), true};
      body.accepts_form = true;
      body.form_or_empty = form;
      e->params.push_back(body);
      e->has_body = true;
      return e;
    }();
  return *ep;
}

}  // namespace
}  // namespace databridge::server

// What the fuzz builder makes: a list's size and how many items were set.
struct databridge::validate::BuiltObject {
  size_t size = 0;
  size_t set = 0;
};

namespace databridge::server {
namespace {

using validate::BuiltObject;

// Builds what a deferred body holds, checking that every container is filled with built
// items (what the Python builder relies on).
class CountingBuilder final : public validate::Builder {
 public:
  using Built = validate::Built;
  Built Null() override { return New(); }
  Built Bool(bool) override { return New(); }
  Built Int(int64_t) override { return New(); }
  Built Float(double) override { return New(); }
  Built Str(absl::string_view) override { return New(); }
  Built Uuid(absl::string_view c) override {
    if (c.size() != 36) std::abort();
    return New();
  }
  Built EnumMember(int, int index, absl::string_view value_json) override {
    if (index < 0 || value_json.empty()) std::abort();
    return New();
  }
  Built List(size_t size) override {
    Built b = New();
    b->size = size;
    return b;
  }
  void ListSet(Built list, size_t i, Built item) override {
    if (list == nullptr || item == nullptr || i >= list->size) std::abort();
    ++list->set;
  }
  Built Dict() override { return New(); }
  void DictSet(Built dict, absl::string_view, Built value) override {
    if (dict == nullptr || value == nullptr) std::abort();
  }
  Built Object(int, const char* const* names, Built*, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      if (names[i] == nullptr) std::abort();
    }
    return New();
  }
  Built Any(const validate::Value& v) override {
    if (v.kind == validate::Value::Kind::kMissing) std::abort();
    return New();
  }
  bool failed() const override { return false; }
  Built Bytes(absl::string_view) override { return New(); }
  Built AsSequence(Built list, int kind) override {
    if (list == nullptr || kind < 0 || kind > 3) std::abort();
    return list;
  }
  Built Decimal(absl::string_view text) override {
    if (text.empty()) std::abort();
    return New();
  }
  Built DecimalOfFloat(double) override { return New(); }
  Built Temporal(validate::TypeKind, const validate::Temporal& t) override {
    if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59 ||
        t.second > 59 || t.microsecond < 0 || t.microsecond > 999999) {
      std::abort();
    }
    return New();
  }
  void CheckListsFilled() const {
    for (const auto& b : arena_) {
      if (b->set != b->size && b->set != 0) std::abort();
    }
  }

 private:
  Built New() { return arena_.emplace_back(std::make_unique<BuiltObject>()).get(); }
  std::vector<std::unique_ptr<BuiltObject>> arena_;
};

// CheckJson decides as ValidateJson does, with the same errors.
void CheckAgrees(absl::string_view body) {
  auto root = json::JsonReader::ForThisThread().Parse(body);
  if (!root.ok()) return;
  validate::Errors built_errors, checked_errors;
  validate::Location a({"body"}), b({"body"});
  static const TypeSpecPtr model = Model();
  const validate::Value v = validate::ValidateJson(*model, *root, a, &built_errors);
  const bool ok = validate::CheckJson(*model, *root, b, &checked_errors);
  if (ok != (built_errors.empty() && v.kind != validate::Value::Kind::kMissing)) std::abort();
  if (checked_errors.size() != built_errors.size()) std::abort();
  for (size_t i = 0; i < built_errors.size(); ++i) {
    if (checked_errors[i].type != built_errors[i].type) std::abort();
  }
}

}  // namespace
}  // namespace databridge::server

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace databridge;          // NOLINT: a fuzz entry point
  using namespace databridge::server;  // NOLINT
  std::vector<absl::string_view> parts = absl::StrSplit(
      absl::string_view(reinterpret_cast<const char*>(data), size), absl::MaxSplits('\xff', 4));
  parts.resize(5);
  http::Request request;
  request.query = std::string(parts[1]);
  request.headers.Add("x-token", parts[2]);
  request.headers.Add("content-type", parts[3]);
  request.body = std::string(parts[4]);
  const Endpoint& endpoint = TheEndpoint(size % 2 == 1);  // either way of reading the body
  BindResult r = Bind(endpoint, request, {{"id", std::string(parts[0])}});
  if (r.status.ok() && r.errors.empty() && r.args.size() != endpoint.params.size()) {
    std::abort();
  }
  for (const auto& e : r.errors) {
    if (e.loc.empty() || e.type.empty()) std::abort();
  }
  for (const validate::Value& arg : r.args) {  // a JSON body checked now, built later
    if (arg.compiled() == nullptr) continue;
    CountingBuilder builder;
    if (arg.compiled()->Build(builder) == nullptr) std::abort();
    builder.CheckListsFilled();
  }
  CheckAgrees(parts[4]);
  return 0;
}
