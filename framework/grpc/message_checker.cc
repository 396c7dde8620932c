#include "framework/grpc/message_checker.h"

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/io/strtod.h>
#include <google/protobuf/stubs/strutil.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/escaping.h"
#include "framework/validate/scalars.h"

namespace databridge::rpc {

namespace pb = ::google::protobuf;
using validate::TypeKind;
using validate::TypeSpec;

namespace {

// How a field's value is read and which JSON form it stands for.
enum class Shape {
  kScalar,     // numbers, bools, strings, bytes (base64), enums (their names)
  kMessage,    // a message with a plan of its own
  kWrapper,    // google.protobuf.*Value: the wrapped scalar
  kTimestamp,  // RFC 3339 text
  kDuration,   // "1.5s"
  kOpaque,     // Struct, Any, Value, ListValue, FieldMask, maps: presence only
};

bool HasChecks(const TypeSpec& s) {
  return s.gt || s.ge || s.lt || s.le || s.multiple_of || s.min_length || s.max_length ||
         s.pattern || s.format != validate::StringFormat::kNone || !s.allowed_json.empty() ||
         s.kind == TypeKind::kUuid;
}

bool IsWrapper(const std::string& n) {
  return n.rfind("google.protobuf.", 0) == 0 && n.size() > 21 &&
         n.compare(n.size() - 5, 5, "Value") == 0 && n != "google.protobuf.Value" &&
         n != "google.protobuf.ListValue";
}

// The spec kind a scalar field's JSON form is validated as.
bool ScalarFits(const pb::FieldDescriptor* fd, TypeKind kind) {
  switch (fd->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64:
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return kind == TypeKind::kInt;
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return kind == TypeKind::kFloat;
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return kind == TypeKind::kBool;
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return kind == TypeKind::kString || kind == TypeKind::kUuid;
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return kind == TypeKind::kString;
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      return false;
  }
  return false;
}

}  // namespace

struct FieldPlan {
  const pb::FieldDescriptor* fd;
  std::string key;  // the JSON key: the location's step
  bool required;
  const TypeSpec* list = nullptr;  // repeated fields: the list's spec (item counts)
  const TypeSpec* value;           // the (item's) value spec
  Shape shape;
  int node = -1;  // kMessage
};

struct MessageChecker::Node {
  std::vector<FieldPlan> fields;
};

namespace {

class Planner {
 public:
  explicit Planner(std::vector<std::unique_ptr<MessageChecker::Node>>* nodes) : nodes_(nodes) {}

  // The node for `d` under `spec` (an object spec); -1 for a shape left to JSON.
  int NodeFor(const pb::Descriptor* d, const TypeSpec& spec) {
    if (spec.kind != TypeKind::kObject) return -1;
    auto key = std::make_pair(d, &spec);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    const int index = static_cast<int>(nodes_->size());
    nodes_->push_back(std::make_unique<MessageChecker::Node>());
    memo_[key] = index;  // before the fields: they may refer back to it
    std::vector<FieldPlan> fields;
    for (const validate::Field& f : spec.fields) {
      const pb::FieldDescriptor* fd = nullptr;
      for (int i = 0; i < d->field_count() && fd == nullptr; ++i) {
        if (d->field(i)->json_name() == f.key || d->field(i)->name() == f.key) fd = d->field(i);
      }
      if (fd == nullptr || !f.type) return -1;
      FieldPlan plan{fd, f.key, f.required, nullptr, f.type.get(), Shape::kScalar};
      if (!Classify(&plan)) return -1;
      fields.push_back(std::move(plan));
    }
    (*nodes_)[index]->fields = std::move(fields);
    return index;
  }

 private:
  bool Classify(FieldPlan* plan) {
    const pb::FieldDescriptor* fd = plan->fd;
    if (fd->is_map()) {  // presence only; rules on maps are left to JSON
      plan->shape = Shape::kOpaque;
      return plan->value->kind == TypeKind::kDict && !HasChecks(*plan->value) &&
             (!plan->value->items || !HasChecks(*plan->value->items)) &&
             (!plan->value->items || plan->value->items->kind != TypeKind::kObject);
    }
    if (fd->is_repeated()) {
      if (plan->value->kind != TypeKind::kList || plan->value->unique_items ||
          !plan->value->items) {
        return false;
      }
      plan->list = plan->value;
      plan->value = plan->value->items.get();
    }
    const TypeSpec& v = *plan->value;
    if (v.kind == TypeKind::kUnion) return false;
    if (fd->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      plan->shape = Shape::kScalar;
      return ScalarFits(fd, v.kind);
    }
    const std::string& n = fd->message_type()->full_name();
    if (n == "google.protobuf.Timestamp" || n == "google.protobuf.Duration") {
      plan->shape = n == "google.protobuf.Timestamp" ? Shape::kTimestamp : Shape::kDuration;
      return v.kind == TypeKind::kString;
    }
    if (IsWrapper(n)) {
      plan->shape = Shape::kWrapper;
      return ScalarFits(fd->message_type()->field(0), v.kind);
    }
    if (n.rfind("google.protobuf.", 0) == 0) {  // Struct, Any, Value, ListValue, FieldMask
      plan->shape = Shape::kOpaque;
      return !HasChecks(v) && (!v.items || !HasChecks(*v.items));
    }
    plan->shape = Shape::kMessage;
    plan->node = NodeFor(fd->message_type(), v);
    return plan->node >= 0;
  }

  std::vector<std::unique_ptr<MessageChecker::Node>>* nodes_;
  std::map<std::pair<const pb::Descriptor*, const TypeSpec*>, int> memo_;
};

using Result = MessageChecker::Result;

class Walk {
 public:
  Walk(const std::vector<std::unique_ptr<MessageChecker::Node>>& nodes, validate::Errors* errors)
      : nodes_(nodes), errors_(errors) {}

  // False: undecided.
  bool Message(const pb::Message& m, int node) {
    const pb::Reflection* r = m.GetReflection();
    for (const FieldPlan& f : nodes_[node]->fields) {
      loc_.PushKey(f.key);
      bool ok = Field(m, r, f);
      loc_.Pop();
      if (!ok) return false;
    }
    return true;
  }

 private:
  bool Field(const pb::Message& m, const pb::Reflection* r, const FieldPlan& f) {
    const bool repeated = f.fd->is_repeated();
    const int n = repeated ? r->FieldSize(m, f.fd) : 0;
    // As the JSON form has it: a proto3 scalar at its default, or an empty list, is absent.
    const bool present = repeated ? n > 0 : r->HasField(m, f.fd);
    if (!present) {
      if (f.required) validate::ReportMissing([] { return std::string("{}"); }, loc_, errors_);
      return true;
    }
    if (f.shape == Shape::kOpaque) return true;
    if (!repeated) return Value(m, r, f, -1);
    auto input = [] { return std::string("[]"); };
    if (f.list->max_length && static_cast<size_t>(n) > *f.list->max_length) {
      // Too many items: that alone, as the list validator reports it (pydantic's order).
      validate::ReportItemCount(true, *f.list->max_length, n, input, loc_, errors_);
      return true;
    }
    const size_t before = errors_->size();
    for (int i = 0; i < n; ++i) {
      loc_.PushIndex(i);
      bool ok = Value(m, r, f, i);
      loc_.Pop();
      if (!ok) return false;
    }
    // Too few: counted only when the items are valid, as the list validator does.
    if (errors_->size() == before) validate::CheckItems(*f.list, n, input, loc_, errors_);
    return true;
  }

  bool Value(const pb::Message& m, const pb::Reflection* r, const FieldPlan& f, int i) {
    switch (f.shape) {
      case Shape::kScalar:
        return Scalar(m, r, f.fd, i, *f.value);
      case Shape::kMessage:
        return Message(i < 0 ? r->GetMessage(m, f.fd) : r->GetRepeatedMessage(m, f.fd, i), f.node);
      case Shape::kWrapper: {
        const pb::Message& w = i < 0 ? r->GetMessage(m, f.fd) : r->GetRepeatedMessage(m, f.fd, i);
        return Scalar(w, w.GetReflection(), w.GetDescriptor()->field(0), -1, *f.value);
      }
      case Shape::kTimestamp:
      case Shape::kDuration: {
        if (!HasChecks(*f.value)) return true;
        const pb::Message& t = i < 0 ? r->GetMessage(m, f.fd) : r->GetRepeatedMessage(m, f.fd, i);
        const pb::Reflection* tr = t.GetReflection();
        const pb::Descriptor* td = t.GetDescriptor();
        int64_t seconds = tr->GetInt64(t, td->FindFieldByName("seconds"));
        int32_t nanos = tr->GetInt32(t, td->FindFieldByName("nanos"));
        std::string text;
        if (f.shape == Shape::kTimestamp) {
          if (seconds < pb::util::TimeUtil::kTimestampMinSeconds ||
              seconds > pb::util::TimeUtil::kTimestampMaxSeconds || nanos < 0 ||
              nanos > 999999999) {
            return false;  // no JSON form: the JSON path decides
          }
          pb::Timestamp ts;
          ts.set_seconds(seconds);
          ts.set_nanos(nanos);
          text = pb::util::TimeUtil::ToString(ts);
        } else {
          if (seconds < pb::util::TimeUtil::kDurationMinSeconds ||
              seconds > pb::util::TimeUtil::kDurationMaxSeconds || nanos < -999999999 ||
              nanos > 999999999 || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
            return false;
          }
          pb::Duration d;
          d.set_seconds(seconds);
          d.set_nanos(nanos);
          text = pb::util::TimeUtil::ToString(d);
        }
        String(text, *f.value);
        return true;
      }
      case Shape::kOpaque:
        return true;
    }
    return true;
  }

  bool Scalar(const pb::Message& m, const pb::Reflection* r, const pb::FieldDescriptor* fd, int i,
              const TypeSpec& spec) {
    const bool rep = i >= 0;
    switch (fd->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32:
        return Int(rep ? r->GetRepeatedInt32(m, fd, i) : r->GetInt32(m, fd), spec);
      case pb::FieldDescriptor::CPPTYPE_INT64:
        return Int(rep ? r->GetRepeatedInt64(m, fd, i) : r->GetInt64(m, fd), spec);
      case pb::FieldDescriptor::CPPTYPE_UINT32:
        return Int(rep ? r->GetRepeatedUInt32(m, fd, i) : r->GetUInt32(m, fd), spec);
      case pb::FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t v = rep ? r->GetRepeatedUInt64(m, fd, i) : r->GetUInt64(m, fd);
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
        return Int(static_cast<int64_t>(v), spec);
      }
      case pb::FieldDescriptor::CPPTYPE_FLOAT: {
        // The number the JSON form holds: the float's shortest text, not its double value.
        float v = rep ? r->GetRepeatedFloat(m, fd, i) : r->GetFloat(m, fd);
        if (!std::isfinite(v)) return false;
        return Float(pb::io::NoLocaleStrtod(pb::SimpleFtoa(v).c_str(), nullptr), spec);
      }
      case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
        double v = rep ? r->GetRepeatedDouble(m, fd, i) : r->GetDouble(m, fd);
        if (!std::isfinite(v)) return false;
        return Float(v, spec);
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        return true;
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        int number = rep ? r->GetRepeatedEnumValue(m, fd, i) : r->GetEnumValue(m, fd);
        const pb::EnumValueDescriptor* v = fd->enum_type()->FindValueByNumber(number);
        if (v == nullptr) return false;  // JSON would hold the number: the JSON path decides
        String(v->name(), spec);
        return true;
      }
      case pb::FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& s = rep ? r->GetRepeatedStringReference(m, fd, i, &scratch)
                                   : r->GetStringReference(m, fd, &scratch);
        if (fd->type() == pb::FieldDescriptor::TYPE_BYTES) {
          String(absl::Base64Escape(s), spec);
        } else {
          String(s, spec);
        }
        return true;
      }
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        return false;
    }
    return false;
  }

  bool Int(int64_t v, const TypeSpec& spec) {
    auto input = [v] { return std::to_string(v); };
    if (validate::CheckBounds(spec, static_cast<double>(v), input, loc_, errors_)) {
      Allowed(spec, std::to_string(v), input);
    }
    return true;
  }

  bool Float(double v, const TypeSpec& spec) {
    auto input = [v] { return pb::SimpleDtoa(v); };
    validate::CheckBounds(spec, v, input, loc_, errors_);
    return true;
  }

  void String(const std::string& s, const TypeSpec& spec) {
    auto input = [&s] { return validate::TextInput(s); };
    if (spec.kind == TypeKind::kUuid) {
      std::string canonical;
      validate::TextUuid(s, loc_, errors_, &canonical);
      return;
    }
    if (validate::CheckString(spec, s, input, loc_, errors_)) {
      Allowed(spec, validate::TextInput(s), input);
    }
  }

  void Allowed(const TypeSpec& spec, const std::string& canonical, validate::InputFn input) {
    if (spec.allowed_json.empty()) return;
    for (const std::string& a : spec.allowed_json) {
      if (a == canonical) return;
    }
    std::vector<absl::string_view> allowed(spec.allowed_json.begin(), spec.allowed_json.end());
    validate::ReportNotAllowed(spec.allowed_is_enum, allowed, input, loc_, errors_);
  }

  const std::vector<std::unique_ptr<MessageChecker::Node>>& nodes_;
  validate::Errors* errors_;
  validate::Location loc_;
};

}  // namespace

std::unique_ptr<MessageChecker> MessageChecker::Build(const pb::Descriptor* message,
                                                      const TypeSpec& spec) {
  std::unique_ptr<MessageChecker> checker(new MessageChecker());
  Planner planner(&checker->nodes_);
  if (message == nullptr || planner.NodeFor(message, spec) != 0) return nullptr;
  return checker;
}

MessageChecker::~MessageChecker() = default;

MessageChecker::Result MessageChecker::Check(const pb::Message& message,
                                             validate::Errors* errors) const {
  validate::Errors found;
  Walk walk(nodes_, &found);
  if (!walk.Message(message, 0)) return Result::kUndecided;
  if (found.empty()) return Result::kOk;
  for (validate::ValidationError& e : found) errors->push_back(std::move(e));
  return Result::kViolations;
}

}  // namespace databridge::rpc
