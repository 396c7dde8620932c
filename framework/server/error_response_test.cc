#include "framework/server/error_response.h"

#include "gtest/gtest.h"

namespace databridge::server {
namespace {

TEST(ErrorResponse, FastApiShapeWithEscapedDetail) {
  http::Response r = ErrorResponse(404, "no \"such\"\n");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "{\"detail\":\"no \\\"such\\\"\\n\"}");
  EXPECT_EQ(r.content_type, "application/json");
}

}  // namespace
}  // namespace databridge::server
