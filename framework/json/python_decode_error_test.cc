// Checked against CPython 3.11's json.loads (the table was made by running it).
#include "framework/json/python_decode_error.h"

#include <string>

#include "gtest/gtest.h"

namespace databridge::json {
namespace {

struct Case {
  const char* document;
  const char* message;
  size_t position;
};

TEST(PythonDecodeErrorTest, SaysWhatPythonSays) {
  const Case cases[] = {
      {"", "Expecting value", 0},
      {" ", "Expecting value", 1},
      {"{", "Expecting property name enclosed in double quotes", 1},
      {"{\"a\"", "Expecting ':' delimiter", 4},
      {"{\"a\":", "Expecting value", 5},
      {"{\"a\":1", "Expecting ',' delimiter", 6},
      {"{\"a\":1,", "Expecting property name enclosed in double quotes", 7},
      {"{\"a\":1,}", "Expecting property name enclosed in double quotes", 7},
      {"{\"a\" 1}", "Expecting ':' delimiter", 5},
      {"{a:1}", "Expecting property name enclosed in double quotes", 1},
      {"[", "Expecting value", 1},
      {"[1", "Expecting ',' delimiter", 2},
      {"[1,", "Expecting value", 3},
      {"[1,]", "Expecting value", 3},
      {"[1 2]", "Expecting ',' delimiter", 3},
      {"tru", "Expecting value", 0},
      {"nul", "Expecting value", 0},
      {"01", "Extra data", 1},
      {"1.", "Extra data", 1},
      {"1e", "Extra data", 1},
      {"-", "Expecting value", 0},
      {"-x", "Expecting value", 0},
      {"\"abc", "Unterminated string starting at", 0},
      {"\"a\\qb\"", "Invalid \\escape", 2},
      {"\"a\\u12g4\"", "Invalid \\uXXXX escape", 3},
      {"\"a\nb\"", "Invalid control character at", 2},
      {"\"\\", "Unterminated string starting at", 0},
      {"{\"a\":1}x", "Extra data", 7},
      {"[] []", "Extra data", 3},
      {"\"\xc3\xa9\" x", "Extra data", 4},
      {"{\"\xc3\xa9\":\"\xc3\xbc\",}", "Expecting property name enclosed in double quotes", 9},
      {"{\"a\":[1,{\"b\":}]}", "Expecting value", 13},
      {"{\"a\":1 \"b\":2}", "Expecting ',' delimiter", 7},
      {"1 2", "Extra data", 2},
      {"\xc3\xa9", "Expecting value", 0},
      {"[[[[[[1]]]]]]]", "Extra data", 13},
      {"{\"a\":{\"b\":[1,2,{\"c\":nul}]}}", "Expecting value", 20},
      {"-0.5e+3 x", "Extra data", 8},
      {"\xef\xbb\xbf[1,]", "Expecting value", 3},
  };
  for (const Case& c : cases) {
    PythonJsonError e = PythonDecodeError(c.document);
    EXPECT_TRUE(e.utf8) << c.document;
    EXPECT_EQ(e.message, c.message) << c.document;
    EXPECT_EQ(e.position, c.position) << c.document;
  }
}

TEST(PythonDecodeErrorTest, WhatPythonAcceptsHasNoMessage) {
  EXPECT_EQ(PythonDecodeError("{\"a\":1} ").message, "");
  EXPECT_EQ(PythonDecodeError("NaN").message, "");
  EXPECT_EQ(PythonDecodeError("-Infinity").message, "");
  EXPECT_EQ(PythonDecodeError("\t\n{}").message, "");
  EXPECT_EQ(PythonDecodeError("[1e5, -0.0, \"\\u00e9\\n\"]").message, "");
}

TEST(PythonDecodeErrorTest, BytesThatAreNotUtf8) {
  EXPECT_FALSE(PythonDecodeError("\"\xff\"").utf8);
}

TEST(PythonDecodeErrorTest, DeepNestingIsNoRecursion) {
  std::string deep(1 << 20, '[');
  EXPECT_TRUE(PythonDecodeError(deep).too_deep);
  std::string shallow(kPythonMaxDepth, '[');
  PythonJsonError e = PythonDecodeError(shallow);
  EXPECT_FALSE(e.too_deep);
  EXPECT_EQ(e.message, "Expecting value");
  EXPECT_EQ(e.position, shallow.size());
}

}  // namespace
}  // namespace databridge::json
