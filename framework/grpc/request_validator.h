// RequestValidator: a gRPC request message checked against its field rules before any
// handler runs. The binary message is parsed with protobuf (its descriptors are in the
// generated pool: the service's generated module links them) and checked on the message
// itself by a MessageChecker against the TypeSpec of its model (the serving plan's, the
// same the HTTP bindings validate the message's JSON form with), so gRPC and HTTP enforce
// the same rules with the same messages. The few messages the checker leaves undecided
// (message_checker.h) are checked through their proto3 JSON form.
//
//   RequestValidator v("library.v1.CreateBookRequest", spec);
//   std::string details;
//   if (!v.Check(bytes, &message, &details)) -> INVALID_ARGUMENT, message, details
// `details` is a serialized google.rpc.Status carrying a google.rpc.BadRequest with one
// field violation per error (field: the JSON path, "book.authors[0].displayName").
// Immutable after construction; Check is thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_GRPC_REQUEST_VALIDATOR_H_
#define DATABRIDGE_FRAMEWORK_GRPC_REQUEST_VALIDATOR_H_

#include <memory>
#include <string>

#include "framework/grpc/message_checker.h"
#include "framework/validate/type_spec.h"

namespace google::protobuf {
class Message;
}

namespace databridge::rpc {

class RequestValidator {
 public:
  RequestValidator(std::string message_type, validate::TypeSpecPtr spec);
  ~RequestValidator();

  // False when the message does not parse (`message` says so, `details` empty) or breaks a
  // rule (`details` set).
  bool Check(const std::string& bytes, std::string* message, std::string* details) const;

 private:
  // The rules through the message's proto3 JSON form; true when it has none or they pass.
  bool CheckJson(const google::protobuf::Message& request, validate::Errors* errors) const;

  std::string message_type_;
  validate::TypeSpecPtr spec_;
  const google::protobuf::Message* prototype_ = nullptr;
  std::unique_ptr<MessageChecker> checker_;  // null: every message through its JSON form
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_REQUEST_VALIDATOR_H_
