// DeferredJson: a JSON body checked on the I/O thread (CheckJson, no GIL) and built into the
// handler's objects later, with the GIL, straight from its parsed document: no Value tree
// between the two. The binder makes one per JSON body of a route whose types are
// interpreted from TypeSpecs; generated services decode into their compiled structs instead.
//
//   simdjson::dom::document doc;   // parsed by JsonReader::ParseInto
//   if (CheckJson(*spec, doc.root(), loc, &errors)) {
//     auto v = std::make_unique<DeferredJson>(std::move(doc), spec);
//     Built obj = v->Build(builder);                      // later, GIL held
//   }
// BuildJson builds any element already checked against `spec`, with the same coercions
// (lax-mode scalars, enumerations as members, the union variant that validates).
// A DeferredJson is moved between threads, never shared; Build is const and reentrant.
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_DEFERRED_JSON_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_DEFERRED_JSON_H_

#include "framework/validate/compiled.h"
#include "framework/validate/type_spec.h"
#include "simdjson.h"

namespace databridge::validate {

// `el` as `spec` says, through `b`; `el` must have passed CheckJson(spec, el, ...).
Built BuildJson(const TypeSpec& spec, simdjson::dom::element el, Builder& b);

class DeferredJson final : public CompiledValue {
 public:
  DeferredJson(simdjson::dom::document document, TypeSpecPtr spec)
      : document_(std::move(document)), spec_(std::move(spec)) {}
  Built Build(Builder& b) const override { return BuildJson(*spec_, document_.root(), b); }

 private:
  simdjson::dom::document document_;
  TypeSpecPtr spec_;
};

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_DEFERRED_JSON_H_
