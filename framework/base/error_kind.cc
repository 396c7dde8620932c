#include "framework/base/error_kind.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"

namespace databridge {
namespace {

constexpr char kKindPayload[] = "databridge.dev/error_kind";

struct KindRow {
  ErrorKind kind;
  int http_status;
  absl::StatusCode code;
};

// The one table. Order follows the enum.
constexpr KindRow kTable[] = {
    {ErrorKind::kBadRequest, 400, absl::StatusCode::kInvalidArgument},
    {ErrorKind::kNotFound, 404, absl::StatusCode::kNotFound},
    {ErrorKind::kMethodNotAllowed, 405, absl::StatusCode::kUnimplemented},
    {ErrorKind::kRequestTimeout, 408, absl::StatusCode::kDeadlineExceeded},
    {ErrorKind::kPayloadTooLarge, 413, absl::StatusCode::kResourceExhausted},
    {ErrorKind::kUriTooLong, 414, absl::StatusCode::kResourceExhausted},
    {ErrorKind::kUnsupportedMediaType, 415, absl::StatusCode::kInvalidArgument},
    {ErrorKind::kValidation, 422, absl::StatusCode::kInvalidArgument},
    {ErrorKind::kHeaderTooLarge, 431, absl::StatusCode::kResourceExhausted},
    {ErrorKind::kInternal, 500, absl::StatusCode::kInternal},
    {ErrorKind::kUnavailable, 503, absl::StatusCode::kUnavailable},
    {ErrorKind::kVersionNotSupported, 505, absl::StatusCode::kUnimplemented},
};

const KindRow& Row(ErrorKind kind) { return kTable[static_cast<int>(kind)]; }

}  // namespace

absl::Status MakeError(ErrorKind kind, absl::string_view message) {
  absl::Status status(Row(kind).code, message);
  status.SetPayload(kKindPayload, absl::Cord(std::to_string(static_cast<int>(kind))));
  return status;
}

ErrorKind KindOf(const absl::Status& status) {
  auto payload = status.GetPayload(kKindPayload);
  int value = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &value) || value < 0 ||
      value >= static_cast<int>(sizeof(kTable) / sizeof(kTable[0]))) {
    return ErrorKind::kInternal;
  }
  return static_cast<ErrorKind>(value);
}

int HttpStatusFor(ErrorKind kind) { return Row(kind).http_status; }

int HttpStatusForCode(int code) {
  // Indexed by google.rpc.Code: OK, CANCELLED (499: client closed), UNKNOWN, INVALID_ARGUMENT,
  // DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
  // FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE,
  // DATA_LOSS, UNAUTHENTICATED.
  static constexpr int kHttp[] = {200, 499, 500, 400, 504, 404, 409, 403, 429,
                                  400, 409, 400, 501, 500, 503, 500, 401};
  static_assert(sizeof(kHttp) / sizeof(kHttp[0]) ==
                static_cast<int>(absl::StatusCode::kUnauthenticated) + 1);
  return code >= 0 && code < static_cast<int>(sizeof(kHttp) / sizeof(kHttp[0])) ? kHttp[code] : 500;
}

bool IsClientError(ErrorKind kind) {
  int s = Row(kind).http_status;
  return s >= 400 && s < 500;
}

}  // namespace databridge
