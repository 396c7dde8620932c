// MessageChecker: a parsed request message checked against the field rules of its model
// (the validate::TypeSpec its .proto lowered to) on the message itself, through protobuf
// reflection: no JSON text is written or parsed. It decides as the JSON validators would
// decide the message's proto3 JSON form (same violations, same order, same messages, from
// framework/validate/scalars.h): a proto3 scalar at its default is absent; int64 and
// float values are the numbers their JSON text would hold; bytes are checked as base64,
// Timestamps and Durations as their RFC 3339 / "1.5s" text.
//
//   std::unique_ptr<MessageChecker> c = MessageChecker::Build(descriptor, *spec);
//   if (!c) ...                                 // a shape left to the JSON form
//   switch (c->Check(message, &errors)) ...     // kOk, kViolations, kUndecided
// Build gives up (nullptr) on spec shapes it does not evaluate natively (unions, unique
// items, maps with rules, FieldMask with rules); Check answers kUndecided for values whose
// JSON form it would have to reproduce exactly (an enum number the enum does not define,
// a Timestamp out of range, a uint64 past int64): the caller checks those messages through
// their JSON form. Immutable after Build; Check is thread-safe.
#ifndef DATABRIDGE_FRAMEWORK_GRPC_MESSAGE_CHECKER_H_
#define DATABRIDGE_FRAMEWORK_GRPC_MESSAGE_CHECKER_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <vector>

#include "framework/validate/type_spec.h"
#include "framework/validate/validation_error.h"

namespace databridge::rpc {

class MessageChecker {
 public:
  enum class Result { kOk, kViolations, kUndecided };

  static std::unique_ptr<MessageChecker> Build(const google::protobuf::Descriptor* message,
                                               const validate::TypeSpec& spec);
  ~MessageChecker();

  Result Check(const google::protobuf::Message& message, validate::Errors* errors) const;

  struct Node;  // one message type's plan (message_checker.cc)

 private:
  MessageChecker() = default;
  std::vector<std::unique_ptr<Node>> nodes_;  // nodes_[0]: the request message
};

}  // namespace databridge::rpc

#endif  // DATABRIDGE_FRAMEWORK_GRPC_MESSAGE_CHECKER_H_
