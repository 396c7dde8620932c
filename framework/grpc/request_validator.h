// RequestValidator: a gRPC request message checked against its field rules before any
// handler runs. The binary message is read with protobuf (its descriptors are in the
// generated pool: the service's generated module links them), written in the proto3 JSON
// mapping and validated by the service's compiled validator for that message
// (codegen/back/cpp), so gRPC and the HTTP bindings enforce the same rules alike.
//
//   RequestValidator v("library.v1.CreateBookRequest", compiled_type);
//   std::string details;
//   if (!v.Check(bytes, &message, &details)) -> INVALID_ARGUMENT, message, details
// `details` is a serialized google.rpc.Status carrying a google.rpc.BadRequest with one
// field violation per error (field: the JSON path, "book.authors[0].displayName").
// Immutable after construction; Check is thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_GRPC_REQUEST_VALIDATOR_H_
#define DATABRIDGE_FRAMEWORK_GRPC_REQUEST_VALIDATOR_H_

#include <string>

#include "framework/validate/compiled.h"

namespace google::protobuf {
class Message;
}

namespace databridge::rpc {

class RequestValidator {
 public:
  RequestValidator(std::string message_type, const validate::CompiledType* compiled);
  ~RequestValidator();

  // False when the message does not parse (`message` says so, `details` empty) or breaks a
  // rule (`details` set).
  bool Check(const std::string& bytes, std::string* message, std::string* details) const;

 private:
  std::string message_type_;
  const validate::CompiledType* compiled_;
  const google::protobuf::Message* prototype_ = nullptr;
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_REQUEST_VALIDATOR_H_
