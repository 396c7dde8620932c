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

TEST(ErrorResponse, ValidationErrorsAre422WithTheirList) {
  validate::Errors errors;
  validate::AddError(validate::Location({"body", "n"}), "int_type",
                     "Input should be a valid integer", "\"x\"", &errors);
  http::Response r = ValidationErrorResponse(errors);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"detail":[{"type":"int_type","loc":["body","n"],)"
                    R"("msg":"Input should be a valid integer","input":"x"}]})");
  EXPECT_EQ(DetailResponse(403, R"({"why":"no"})").body, R"({"detail":{"why":"no"}})");
}

}  // namespace
}  // namespace databridge::server
