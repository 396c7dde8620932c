#include "framework/json/json_reader.h"

#include "gtest/gtest.h"

namespace databridge::json {
namespace {

TEST(JsonReader, ParsesAndMinifies) {
  auto root = JsonReader::ForThisThread().Parse(R"({ "a" : [1, 2.5, "x"], "b": null })");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(JsonReader::Minify((*root)["a"]), R"([1,2.5,"x"])");
}

TEST(JsonReader, RejectsMalformed) {
  EXPECT_FALSE(JsonReader::ForThisThread().Parse("{\"a\":").ok());
  EXPECT_FALSE(JsonReader::ForThisThread().Parse("").ok());
  EXPECT_FALSE(JsonReader::ForThisThread().Parse("[1,]").ok());
}

TEST(JsonReader, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_FALSE(JsonReader::ForThisThread().Parse(deep).ok());
}

}  // namespace
}  // namespace databridge::json
