#include "framework/server/file_answer.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace databridge::server {
namespace {

using Ranges = std::vector<std::pair<int64_t, int64_t>>;

TEST(ParseRange, ReadsRangesAsStarletteDoes) {
  EXPECT_EQ(*ParseRange("bytes=0-4", 100), (Ranges{{0, 5}}));
  EXPECT_EQ(*ParseRange("bytes=90-", 100), (Ranges{{90, 100}}));
  EXPECT_EQ(*ParseRange("bytes=-10", 100), (Ranges{{90, 100}}));
  EXPECT_EQ(*ParseRange("bytes=-1000", 100), (Ranges{{0, 100}}));
  EXPECT_EQ(*ParseRange("bytes=0-1000", 100), (Ranges{{0, 100}}));
  EXPECT_EQ(*ParseRange(" BYTES = 1-2 , 5-6", 100), (Ranges{{1, 3}, {5, 7}}));
  EXPECT_EQ(*ParseRange("bytes=0-5,3-8,20-22", 100), (Ranges{{0, 9}, {20, 23}}));
  EXPECT_EQ(*ParseRange("bytes=x-1,1_0-1_1", 100), (Ranges{{10, 12}}));  // Python's int()
  std::string many = "bytes=0-1";
  for (int i = 0; i < 100; ++i) many += ",0-1";
  EXPECT_TRUE(ParseRange(many, 100)->empty());  // past 100 ranges: the whole file
}

TEST(ParseRange, RefusesAsStarletteDoes) {
  EXPECT_EQ(ParseRange("bytes 0-1", 100).status().message(), "Malformed range header.");
  EXPECT_EQ(ParseRange("items=0-1", 100).status().message(), "Only support bytes range");
  EXPECT_EQ(ParseRange("bytes=", 100).status().message(), "Range header: range must be requested");
  EXPECT_EQ(ParseRange("bytes=5-2", 100).status().message(),
            "Range header: start must be less than end");
  auto past = ParseRange("bytes=100-", 100);
  EXPECT_TRUE(absl::IsOutOfRange(past.status()));
  EXPECT_EQ(past.status().message(), "bytes */100");
}

TEST(OpenFileAnswer, ServesWholeRangedAndMultipart) {
  char name[] = "/tmp/file-answer-XXXXXX";
  int fd = mkstemp(name);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "0123456789", 10), 10);
  close(fd);
  http::Response r;
  r.content_type = "text/plain";
  r.file_path = name;
  r.headers.Add("etag", "\"e\"");

  auto whole = OpenFileAnswer(r, "", "");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->head.status, 200);
  EXPECT_EQ(whole->head.length, 10);
  ASSERT_EQ(whole->body.size(), 1u);

  auto one = OpenFileAnswer(r, "bytes=2-4", "\"e\"");
  EXPECT_EQ(one->head.status, 206);
  EXPECT_EQ(one->head.headers.Get("content-range"), "bytes 2-4/10");
  EXPECT_EQ(one->head.length, 3);

  auto stale = OpenFileAnswer(r, "bytes=2-4", "\"other\"");  // If-Range no longer holds
  EXPECT_EQ(stale->head.status, 200);

  auto multi = OpenFileAnswer(r, "bytes=0-1,8-", "");
  EXPECT_EQ(multi->head.status, 206);
  int64_t length = 0;
  for (const FileSegment& s : multi->body) length += static_cast<int64_t>(s.text.size()) + s.length;
  EXPECT_EQ(multi->head.length, length);
  EXPECT_EQ(multi->head.content_type.rfind("multipart/byteranges; boundary=", 0), 0u);

  auto bad = OpenFileAnswer(r, "bytes=20-", "");
  EXPECT_EQ(bad->head.status, 416);
  EXPECT_EQ(bad->file, nullptr);

  r.file_path = "/nonexistent/file";
  EXPECT_FALSE(OpenFileAnswer(r, "", "").ok());
  unlink(name);
}

}  // namespace
}  // namespace databridge::server
