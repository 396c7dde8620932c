// The proto front end's lowering: one .proto file's services into codegen's IR
// (protoc-gen-ir, ir_generator.cc, is the protoc plugin around it).
//
//   ir::Service service;
//   std::string error;
//   if (!LowerToIr(file_descriptor, &service, &error)) { /* error: "file:line: what" */ }
//
// Messages become object models (fields keep proto3 JSON names), enums enum models (values
// by name), repeated fields arrays, maps maps; well-known types map to their JSON forms
// (Timestamp: date-time string, Duration: duration string, wrappers: nullable scalars,
// Struct/Value/ListValue/Any: any JSON, FieldMask: string, Empty: an empty object).
// google.api.http rules become operations (additional_bindings too): path variables are
// path parameters (with their request field path), body "*" or one field is the body, the
// remaining request fields are query parameters, response_body picks the response field.
// (databridge.rules) field options become constraints with protovalidate's meaning.
// Errors name `file:line`.
#ifndef DATABRIDGE_CODEGEN_FRONT_PROTO_LOWERING_H_
#define DATABRIDGE_CODEGEN_FRONT_PROTO_LOWERING_H_

#include <google/protobuf/descriptor.h>

#include <string>

#include "proto/databridge/ir.pb.h"

namespace databridge::codegen {

// False with `error` set ("file:line: ...") when a rule cannot be honoured.
bool LowerToIr(const google::protobuf::FileDescriptor* file, ir::Service* service,
               std::string* error);

}  // namespace databridge::codegen

#endif  // DATABRIDGE_CODEGEN_FRONT_PROTO_LOWERING_H_
