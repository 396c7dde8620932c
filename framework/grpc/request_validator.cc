#include "framework/grpc/request_validator.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "framework/json/json_reader.h"
#include "framework/validate/validator.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace databridge::rpc {

namespace pb = ::google::protobuf;

RequestValidator::RequestValidator(std::string message_type, validate::TypeSpecPtr spec)
    : message_type_(std::move(message_type)), spec_(std::move(spec)) {
  const pb::Descriptor* d =
      pb::DescriptorPool::generated_pool()->FindMessageTypeByName(message_type_);
  if (d == nullptr || spec_ == nullptr) return;
  prototype_ = pb::MessageFactory::generated_factory()->GetPrototype(d);
  checker_ = MessageChecker::Build(d, *spec_);
}

RequestValidator::~RequestValidator() = default;

bool RequestValidator::CheckJson(const pb::Message& request, validate::Errors* errors) const {
  std::string json;
  if (!pb::util::MessageToJsonString(request, &json).ok()) return true;  // no JSON form
  // The JSON text must outlive the parse: the reader keeps views into its own copy.
  auto root = json::JsonReader::ForThisThread().Parse(json);
  if (!root.ok()) return true;
  validate::Location loc;
  validate::ValidateJson(*spec_, *root, loc, errors);
  return errors->empty();
}

bool RequestValidator::Check(const std::string& bytes, std::string* message,
                             std::string* details) const {
  if (prototype_ == nullptr) return true;  // nothing to check against
  std::unique_ptr<pb::Message> request(prototype_->New());
  if (!request->ParseFromString(bytes)) {
    *message = absl::StrCat("malformed request message (", message_type_, ")");
    return false;
  }
  validate::Errors errors;
  MessageChecker::Result checked =
      checker_ ? checker_->Check(*request, &errors) : MessageChecker::Result::kUndecided;
  if (checked == MessageChecker::Result::kOk) return true;
  if (checked == MessageChecker::Result::kUndecided) {
    errors.clear();
    if (CheckJson(*request, &errors)) return true;
  }
  google::rpc::BadRequest bad;
  for (const validate::ValidationError& e : errors) {
    google::rpc::BadRequest::FieldViolation* v = bad.add_field_violations();
    v->set_field(validate::FieldPath(e.loc));
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
