// Value: a validated, typed value on its way from the wire to a handler. Produced without
// the GIL by the validators; the binding layer turns it into Python objects, reading the
// TypeSpec it was validated against (so a kString validated as kUuid becomes a UUID).
//
//   Value v = Value::Int(7);
// Objects keep their fields in TypeSpec::fields order (kMissing when absent: the binding
// layer then applies the Python default); kDict keeps keys beside items.
// A plain value type; moved, never shared between threads.
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_VALUE_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace databridge {
class TempFile;  // base/temp_file.h
}  // namespace databridge

namespace databridge::validate {

class CompiledValue;  // compiled.h

struct Value {
  enum class Kind : uint8_t {
    kMissing,
    kNull,
    kBool,
    kInt,
    kFloat,
    kString,
    kList,
    kObject,
    kDict,
    kCompiled,  // a generated decoder's typed value (compiled.h)
    kFile       // a multipart part: `s` its content (or file() holds it), `keys` its
                // filename (when `b`), then its header lines as name, value pairs
  };
  Kind kind = Kind::kMissing;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<Value> items;       // list items; object fields; dict values; union: [chosen]
                                  // (a union keeps the chosen variant's index in `i`)
  std::vector<std::string> keys;  // dict keys
  // kCompiled: what the generated decoder made; kFile: where the content was spooled, if
  // it was. One slot (a Value is built by the dozen per request: it stays small).
  std::shared_ptr<const void> held;
  const CompiledValue* compiled() const {
    return kind == Kind::kCompiled ? static_cast<const CompiledValue*>(held.get()) : nullptr;
  }
  const TempFile* file() const {
    return kind == Kind::kFile ? static_cast<const TempFile*>(held.get()) : nullptr;
  }

  static Value Null() { return Of(Kind::kNull); }
  static Value Bool(bool v) {
    Value x = Of(Kind::kBool);
    x.b = v;
    return x;
  }
  static Value Int(int64_t v) {
    Value x = Of(Kind::kInt);
    x.i = v;
    return x;
  }
  static Value Float(double v) {
    Value x = Of(Kind::kFloat);
    x.f = v;
    return x;
  }
  static Value String(std::string v) {
    Value x = Of(Kind::kString);
    x.s = std::move(v);
    return x;
  }
  static Value Of(Kind k) {
    Value x;
    x.kind = k;
    return x;
  }
};

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_VALUE_H_
