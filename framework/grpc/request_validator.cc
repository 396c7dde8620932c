#include "framework/grpc/request_validator.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "framework/json/json_reader.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace databridge::rpc {

namespace pb = ::google::protobuf;

namespace {

// ["book","authors",0,"displayName"] -> book.authors[0].displayName
std::string FieldPath(const std::string& loc_json) {
  auto root = json::JsonReader::ForThisThread().Parse(loc_json);
  std::string out;
  if (!root.ok()) return loc_json;
  simdjson::dom::array parts;
  if (root->get_array().get(parts) != simdjson::SUCCESS) return loc_json;
  for (simdjson::dom::element part : parts) {
    if (part.is_int64()) {
      absl::StrAppend(&out, "[", part.get_int64().value_unsafe(), "]");
    } else if (part.is_string()) {
      std::string_view key = part.get_string().value_unsafe();
      absl::StrAppend(&out, out.empty() ? "" : ".", absl::string_view(key.data(), key.size()));
    }
  }
  return out;
}

}  // namespace

RequestValidator::RequestValidator(std::string message_type, const validate::CompiledType* compiled)
    : message_type_(std::move(message_type)), compiled_(compiled) {
  const pb::Descriptor* d =
      pb::DescriptorPool::generated_pool()->FindMessageTypeByName(message_type_);
  if (d != nullptr) prototype_ = pb::MessageFactory::generated_factory()->GetPrototype(d);
}

RequestValidator::~RequestValidator() = default;

bool RequestValidator::Check(const std::string& bytes, std::string* message,
                             std::string* details) const {
  if (prototype_ == nullptr || compiled_ == nullptr || compiled_->decode_json == nullptr) {
    return true;  // nothing to check against
  }
  std::unique_ptr<pb::Message> request(prototype_->New());
  if (!request->ParseFromString(bytes)) {
    *message = absl::StrCat("malformed request message (", message_type_, ")");
    return false;
  }
  std::string json;
  if (!pb::util::MessageToJsonString(*request, &json).ok()) return true;
  // The JSON text must outlive the parse: the reader keeps views into its own copy.
  auto root = json::JsonReader::ForThisThread().Parse(json);
  if (!root.ok()) return true;
  validate::Errors errors;
  validate::Location loc;
  if (compiled_->decode_json(*root, loc, &errors) != nullptr && errors.empty()) return true;
  google::rpc::BadRequest bad;
  for (const validate::ValidationError& e : errors) {
    google::rpc::BadRequest::FieldViolation* v = bad.add_field_violations();
    v->set_field(FieldPath(e.loc_json));
    v->set_description(e.msg);
  }
  google::rpc::Status status;
  status.set_code(static_cast<int>(absl::StatusCode::kInvalidArgument));
  *message =
      absl::StrCat(errors.size(), " field violation", errors.size() == 1 ? "" : "s", ": ",
                   bad.field_violations(0).field(), ": ", bad.field_violations(0).description());
  status.set_message(*message);
  status.add_details()->PackFrom(bad);
  *details = status.SerializeAsString();
  return false;
}

}  // namespace databridge::rpc
