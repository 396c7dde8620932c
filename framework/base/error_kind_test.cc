#include "framework/base/error_kind.h"

#include "gtest/gtest.h"

namespace databridge {
namespace {

TEST(ErrorKind, RoundTripsThroughStatus) {
  absl::Status s = MakeError(ErrorKind::kHeaderTooLarge, "too big");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(KindOf(s), ErrorKind::kHeaderTooLarge);
  EXPECT_EQ(HttpStatusFor(KindOf(s)), 431);
  EXPECT_EQ(s.message(), "too big");
}

TEST(ErrorKind, ForeignStatusIsInternal) {
  EXPECT_EQ(KindOf(absl::UnknownError("x")), ErrorKind::kInternal);
  EXPECT_EQ(HttpStatusFor(ErrorKind::kInternal), 500);
  EXPECT_FALSE(IsClientError(ErrorKind::kInternal));
}

TEST(ErrorKind, TableMatchesRfcStatuses) {
  EXPECT_EQ(HttpStatusFor(ErrorKind::kBadRequest), 400);
  EXPECT_EQ(HttpStatusFor(ErrorKind::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorKind::kMethodNotAllowed), 405);
  EXPECT_EQ(HttpStatusFor(ErrorKind::kRequestTimeout), 408);
  EXPECT_EQ(HttpStatusFor(ErrorKind::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorKind::kUriTooLong), 414);
  EXPECT_EQ(HttpStatusFor(ErrorKind::kUnsupportedMediaType), 415);
  EXPECT_EQ(HttpStatusFor(ErrorKind::kValidation), 422);
  EXPECT_TRUE(IsClientError(ErrorKind::kValidation));
}

TEST(ErrorKindTest, GrpcCodesAnswerGoogleRpcCodesHttpStatus) {
  EXPECT_EQ(HttpStatusForCode(static_cast<int>(absl::StatusCode::kOk)), 200);
  EXPECT_EQ(HttpStatusForCode(static_cast<int>(absl::StatusCode::kCancelled)), 499);
  EXPECT_EQ(HttpStatusForCode(static_cast<int>(absl::StatusCode::kInvalidArgument)), 400);
  EXPECT_EQ(HttpStatusForCode(static_cast<int>(absl::StatusCode::kNotFound)), 404);
  EXPECT_EQ(HttpStatusForCode(static_cast<int>(absl::StatusCode::kResourceExhausted)), 429);
  EXPECT_EQ(HttpStatusForCode(static_cast<int>(absl::StatusCode::kUnimplemented)), 501);
  EXPECT_EQ(HttpStatusForCode(static_cast<int>(absl::StatusCode::kUnavailable)), 503);
  EXPECT_EQ(HttpStatusForCode(static_cast<int>(absl::StatusCode::kUnauthenticated)), 401);
  EXPECT_EQ(HttpStatusForCode(17), 500);  // not a code
  EXPECT_EQ(HttpStatusForCode(-1), 500);
}

}  // namespace
}  // namespace databridge
