#include "framework/server/multipart_form.h"

#include <string>

#include "framework/base/error_kind.h"
#include "gtest/gtest.h"

namespace databridge::server {
namespace {

constexpr absl::string_view kType = "multipart/form-data; boundary=XyZ";

std::string Part(absl::string_view name, absl::string_view data, absl::string_view filename = "") {
  std::string head =
      std::string("--XyZ\r\nContent-Disposition: form-data; name=\"") + std::string(name) + "\"";
  if (!filename.empty()) head += "; filename=\"" + std::string(filename) + "\"";
  return head + "\r\n\r\n" + std::string(data) + "\r\n";
}

TEST(MultipartBody, ReadInPiecesSpoolsALargeFileAndKeepsTheOrder) {
  std::string big;
  for (size_t i = 0; big.size() < 3 * 1024 * 1024 + 5; ++i) big.push_back(static_cast<char>(i * 7));
  std::string body = Part("a", "1") + Part("f", big, "big.bin") + Part("g", "small", "s.txt") +
                     Part("b", "2") + "--XyZ--\r\n";
  MultipartBody reader(kType);
  for (size_t at = 0; at < body.size(); at += 1000) {
    ASSERT_TRUE(reader.Write(absl::string_view(body).substr(at, 1000)).ok());
  }
  ASSERT_TRUE(reader.End().ok());
  ASSERT_TRUE(reader.status().ok()) << reader.status();
  const MultipartForm& form = reader.form();
  ASSERT_EQ(form.fields.size(), 2u);
  EXPECT_EQ(form.fields[1], (std::pair<std::string, std::string>("b", "2")));
  ASSERT_EQ(form.files.size(), 2u);
  ASSERT_NE(form.files[0].file, nullptr);  // past 1 MiB: on disk, nothing in memory
  EXPECT_TRUE(form.files[0].data.empty());
  auto spooled = form.files[0].file->ReadAll();
  ASSERT_TRUE(spooled.ok());
  EXPECT_EQ(*spooled, big);
  EXPECT_EQ(form.files[1].file, nullptr);
  EXPECT_EQ(form.files[1].data, "small");
  EXPECT_EQ(form.is_file, (std::vector<bool>{false, true, true, false}));
}

TEST(MultipartBody, ABadBodyIsReadToItsEndAndRefusedAfter) {
  MultipartBody garbage(kType);
  EXPECT_TRUE(garbage.Write("garbage").ok());
  EXPECT_TRUE(garbage.Write(Part("a", "1")).ok());  // dropped
  EXPECT_EQ(garbage.status().message(), "Invalid multipart data.");
  EXPECT_EQ(KindOf(garbage.status()), ErrorKind::kBadRequest);

  MultipartBody no_boundary("multipart/form-data");
  EXPECT_TRUE(no_boundary.Write(Part("a", "1")).ok());
  EXPECT_EQ(no_boundary.status().message(), "Missing boundary in multipart.");

  MultipartLimits limits;
  limits.max_fields = 1;
  MultipartBody fields(kType, limits);
  EXPECT_TRUE(fields.Write(Part("a", "1") + Part("b", "2") + "--XyZ--").ok());
  EXPECT_EQ(fields.status().message(), "Too many fields. Maximum number of fields is 1.");
}

TEST(MultipartBody, ReadMultipartIsTheSameReadWhole) {
  auto form = ReadMultipart(kType, Part("a", "1") + Part("f", "x", "f.txt") + "--XyZ--\r\n");
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->fields.size(), 1u);
  EXPECT_EQ(form->files.size(), 1u);
  EXPECT_EQ(ReadMultipart(kType, "garbage").status().message(), "Invalid multipart data.");
}

}  // namespace
}  // namespace databridge::server
