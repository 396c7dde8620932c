// ErrorKind: the one table of error classes, mapped to HTTP statuses and gRPC codes
// (absl::StatusCode, whose numbers are google.rpc.Code's), and the table of what each gRPC
// code answers over HTTP.
//
// Errors are classified where they are created:
//   return MakeError(ErrorKind::kHeaderTooLarge, "header section over 32768 bytes");
// and read back where a response is chosen:
//   int status = HttpStatusFor(KindOf(status));
// Thread-safe: pure functions over constant tables.
#ifndef DATABRIDGE_FRAMEWORK_BASE_ERROR_KIND_H_
#define DATABRIDGE_FRAMEWORK_BASE_ERROR_KIND_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace databridge {

enum class ErrorKind : int {
  kBadRequest = 0,        // malformed HTTP
  kNotFound,              // no route for the path
  kMethodNotAllowed,      // the path exists, not for this method
  kRequestTimeout,        // client too slow to send its request
  kPayloadTooLarge,       // body over the limit
  kUriTooLong,            // request line / target over the limit
  kUnsupportedMediaType,  // body in a media type the endpoint does not read
  kValidation,            // parameters fail their schema
  kHeaderTooLarge,        // header section over the limit
  kInternal,              // a server-side fault
  kUnavailable,           // shutting down
  kVersionNotSupported,   // an HTTP version we do not speak
};

// Builds a Status carrying `kind`; the absl code follows the kind (client errors are
// kInvalidArgument-like, server errors kInternal-like).
absl::Status MakeError(ErrorKind kind, absl::string_view message);

// The kind a Status was created with; kInternal for statuses made elsewhere.
ErrorKind KindOf(const absl::Status& status);

// HTTP status code for a kind (RFC 9110 section 15).
int HttpStatusFor(ErrorKind kind);

// The HTTP status a gRPC status code answers with over HTTP (google/rpc/code.proto's
// mapping, as grpc-gateway uses it). absl::StatusCode's numbers are google.rpc.Code's; an
// unknown number is 500. The Python package reads this table (_core.http_status_for_code).
int HttpStatusForCode(int code);

// True when the error is the client's (4xx).
bool IsClientError(ErrorKind kind);

}  // namespace databridge

#endif  // DATABRIDGE_FRAMEWORK_BASE_ERROR_KIND_H_
