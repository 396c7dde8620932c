// Fuzz target: the compiled validators codegen/back/cpp generates, on the two test specs
// (petstore: bounds, patterns, formats, enums, tagged unions, dicts; shapes: recursion,
// untagged unions, nested arrays, nullable enums, UUIDs). The first input byte picks one
// of their CompiledTypes; the rest is that type's JSON (a model or body) or its parameter
// texts separated by 0xFF bytes. A decoded value is then built through a Builder that
// checks what it is handed.
// Invariants: a type either decodes or reports violations (never both, never neither);
// every violation has a type and a location; built strings are UTF-8, UUIDs canonical,
// list indices in range, enum members in range.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "codegen/back/cpp/petstore_api.h"
#include "codegen/back/cpp/shapes_api.h"
#include "framework/json/json_reader.h"
#include "framework/validate/compiled.h"

namespace databridge::validate {

// The Builder's object here: a node owned by the Checker's arena.
struct BuiltObject {
  size_t list_size = 0;
};

}  // namespace databridge::validate

namespace {

using databridge::validate::Built;
using databridge::validate::BuiltObject;
using databridge::validate::CompiledService;
using databridge::validate::CompiledType;
using databridge::validate::Errors;
using databridge::validate::Location;
using databridge::validate::Value;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool IsUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

class Checker final : public databridge::validate::Builder {
 public:
  explicit Checker(const CompiledService& service) : service_(service) {}

  Built Null() override { return New(); }
  Built Bool(bool) override { return New(); }
  Built Int(int64_t) override { return New(); }
  Built Float(double) override { return New(); }
  Built Str(absl::string_view v) override {
    Check(IsUtf8(v));
    return New();
  }
  Built Uuid(absl::string_view canonical) override {
    Check(canonical.size() == 36);
    for (size_t i = 0; i < canonical.size(); ++i) {
      char c = canonical[i];
      bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      Check(dash ? c == '-' : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
    }
    return New();
  }
  Built EnumMember(int model, int index, absl::string_view value_json) override {
    Check(model >= 0 && static_cast<size_t>(model) < service_.model_count);
    Check(index >= 0 && !value_json.empty());
    return New();
  }
  Built List(size_t size) override {
    Built b = New();
    b->list_size = size;
    return b;
  }
  void ListSet(Built list, size_t i, Built item) override {
    Check(list != nullptr && item != nullptr && i < list->list_size);
  }
  Built Dict() override { return New(); }
  void DictSet(Built dict, absl::string_view key, Built value) override {
    Check(dict != nullptr && value != nullptr && IsUtf8(key));
  }
  Built Object(int model, const char* const* names, Built* fields, size_t n) override {
    Check(model >= 0 && static_cast<size_t>(model) < service_.model_count);
    for (size_t i = 0; i < n; ++i) Check(names[i] != nullptr && names[i][0] != '\0');
    (void)fields;
    return New();
  }
  Built Any(const Value& v) override {
    Check(v.kind != Value::Kind::kMissing);
    return New();
  }
  bool failed() const override { return false; }
  Built Bytes(absl::string_view) override { return New(); }
  Built AsSequence(Built list, int kind) override {
    Check(list != nullptr && kind >= 0 && kind <= 3);
    return list;
  }
  Built Decimal(absl::string_view) override { return New(); }
  Built DecimalOfFloat(double) override { return New(); }
  Built Temporal(databridge::validate::TypeKind, const databridge::validate::Temporal& t) override {
    Check(t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour < 24);
    return New();
  }

 private:
  Built New() { return arena_.emplace_back(std::make_unique<BuiltObject>()).get(); }

  const CompiledService& service_;
  std::vector<std::unique_ptr<BuiltObject>> arena_;
};

void CheckErrors(const Errors& errors) {
  for (const auto& e : errors) Check(!e.type.empty() && !e.msg.empty());
}

void Run(const CompiledService& service, const CompiledType& type, absl::string_view input) {
  Errors errors;
  Location loc({"body"});
  if (type.decode_json != nullptr) {
    auto root = databridge::json::JsonReader::ForThisThread().Parse(input);
    if (!root.ok()) return;
    std::unique_ptr<databridge::validate::CompiledValue> v = type.decode_json(*root, loc, &errors);
    CheckErrors(errors);
    Check((v == nullptr) == !errors.empty());
    if (v != nullptr) {
      Checker checker(service);
      Check(v->Build(checker) != nullptr);
    }
    return;
  }
  std::vector<absl::string_view> texts = absl::StrSplit(input, '\xff');
  Value v = type.decode_texts(texts, loc, &errors);
  CheckErrors(errors);
  Check((v.kind == Value::Kind::kMissing) == !errors.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const CompiledService* services[] = {&petstore_api::Service(), &shapes_api::Service()};
  size_t total = 0;
  for (const CompiledService* s : services) total += s->type_count;
  size_t pick = data[0] % total;
  for (const CompiledService* s : services) {
    if (pick < s->type_count) {
      Run(*s, s->types[pick], absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
      return 0;
    }
    pick -= s->type_count;
  }
  return 0;
}
