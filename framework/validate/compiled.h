// Compiled validators: the contract between the code codegen/back/cpp generates from a spec
// and the runtime that calls it. A generated service is a table of CompiledTypes (one per
// model, request body and parameter); each decodes JSON or text straight into its typed
// struct, reporting every violation through scalars.h, and later builds the handler's
// objects through a Builder the binding layer implements (Python objects in framework/python;
// nothing here knows Python).
//
//   const CompiledType* t = service.Find("createOrder.body");
//   std::unique_ptr<CompiledValue> v = t->decode_json(root, loc, &errors);  // no GIL
//   Built obj = v->Build(builder);                                           // GIL held
// Tables are immutable statics; decoding is reentrant; a CompiledValue is moved between
// threads, never shared.
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_COMPILED_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_COMPILED_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "framework/validate/temporal.h"
#include "framework/validate/type_spec.h"
#include "framework/validate/validation_error.h"
#include "framework/validate/value.h"
#include "simdjson.h"

namespace databridge::validate {

// Bumped whenever this header changes shape: a generated module built against another
// version is refused at start-up instead of misread.
inline constexpr uint32_t kCompiledAbi = 4;

// The binding layer's object (a PyObject in framework/python); opaque here.
struct BuiltObject;
using Built = BuiltObject*;

// Makes the handler-facing objects. Every method returns a new object or nullptr after a
// failure (then remembered: failed() is true and later calls may return nullptr too);
// methods taking Built arguments take ownership of them, nullptr included.
class Builder {
 public:
  virtual ~Builder() = default;
  virtual Built Null() = 0;
  virtual Built Bool(bool v) = 0;
  virtual Built Int(int64_t v) = 0;
  virtual Built Float(double v) = 0;
  virtual Built Str(absl::string_view v) = 0;
  virtual Built Uuid(absl::string_view canonical) = 0;
  // Member `index` (declaration order) of enumeration `model`; `value_json` is its value.
  virtual Built EnumMember(int model, int index, absl::string_view value_json) = 0;
  virtual Built List(size_t size) = 0;
  virtual void ListSet(Built list, size_t i, Built item) = 0;
  virtual Built Dict() = 0;
  virtual void DictSet(Built dict, absl::string_view key, Built value) = 0;
  // An instance of object model `model`; fields[k] is field k (attribute names[k]) or
  // nullptr when absent (the class default applies).
  virtual Built Object(int model, const char* const* names, Built* fields, size_t n) = 0;
  virtual Built Any(const Value& v) = 0;
  virtual bool failed() const = 0;
  virtual Built Bytes(absl::string_view v) = 0;
  // `list` (from List) as the container TypeSpec::Sequence `kind` names (a set, ...).
  virtual Built AsSequence(Built list, int kind) = 0;
  // A datetime, date or time (kind: TypeKind::kDateTime, kDate or kTime).
  virtual Built Temporal(TypeKind kind, const validate::Temporal& t) = 0;
  // A decimal.Decimal of a decimal's text (as sent, or an integer's digits), or of a float
  // (as Python prints it, as pydantic makes one).
  virtual Built Decimal(absl::string_view text) = 0;
  virtual Built DecimalOfFloat(double v) = 0;
};

// A decoded, validated value, ready to be built.
class CompiledValue {
 public:
  virtual ~CompiledValue() = default;
  virtual Built Build(Builder& b) const = 0;
};

template <typename T, Built (*kBuild)(const T&, Builder&)>
class CompiledValueOf final : public CompiledValue {
 public:
  T value;
  Built Build(Builder& b) const override { return kBuild(value, b); }
};

struct CompiledType {
  const char* name;  // a model ("Order"), a body ("createOrder.body"), a parameter
                     // ("searchOrders.limit")
  // JSON at `loc`: the value, or nullptr when violations were added to `errors`.
  std::unique_ptr<CompiledValue> (*decode_json)(simdjson::dom::element el, Location& loc,
                                                Errors* errors);
  // Text values of a parameter (one per occurrence, never empty): a Value as
  // ValidateTexts makes it; kMissing when violations were added. nullptr for models.
  Value (*decode_texts)(const std::vector<absl::string_view>& texts, Location& loc, Errors* errors);
};

// One operation of the generated route table.
struct CompiledRoute {
  const char* operation;  // operationId / RPC binding id
  const char* method;     // "GET", "POST", ...
  const char* path;       // template, as the router reads it ("/v1/{name=shelves/*}")
};

struct CompiledService {
  uint32_t abi;
  const char* name;
  const char* const* models;  // model index used by Builder calls -> model name
  size_t model_count;
  const CompiledType* types;
  size_t type_count;
  const CompiledRoute* routes;
  size_t route_count;

  const CompiledRoute* FindRoute(absl::string_view operation) const {
    for (size_t i = 0; i < route_count; ++i) {
      if (operation == routes[i].operation) return &routes[i];
    }
    return nullptr;
  }

  const CompiledType* Find(absl::string_view type_name) const {
    for (size_t i = 0; i < type_count; ++i) {
      if (type_name == types[i].name) return &types[i];
    }
    return nullptr;
  }
};

// A model held by pointer where a struct must contain itself (a tree): allocated when
// first written; copies are deep.
template <typename T>
class Box {
 public:
  Box() = default;
  Box(const Box& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Box(Box&&) noexcept = default;
  Box& operator=(Box o) noexcept {
    p_ = std::move(o.p_);
    return *this;
  }
  T& Mutable() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  const T& operator*() const { return *p_; }
  const T* operator->() const { return p_.get(); }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_COMPILED_H_
