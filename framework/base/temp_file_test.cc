#include "framework/base/temp_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace databridge {
namespace {

TEST(TempFile, WritesAndReadsBack) {
  auto f = TempFile::Create();
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Write("hello ").ok());
  ASSERT_TRUE((*f)->Write(std::string(100000, 'x')).ok());
  EXPECT_EQ((*f)->size(), 100006u);
  auto all = (*f)->ReadAll();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->substr(0, 7), "hello x");
  EXPECT_EQ(all->size(), 100006u);
}

TEST(TempFile, HasNoNameAndOutlivesItsOwnerThroughADup) {
  auto f = TempFile::Create();
  ASSERT_TRUE(f.ok());
  struct stat st;
  ASSERT_EQ(fstat((*f)->fd(), &st), 0);
  EXPECT_EQ(st.st_nlink, 0u);  // nothing on disk names it
  ASSERT_TRUE((*f)->Write("kept").ok());
  int dup = ::dup((*f)->fd());
  f->reset();
  char buf[4];
  EXPECT_EQ(pread(dup, buf, 4, 0), 4);
  EXPECT_EQ(std::string(buf, 4), "kept");
  ::close(dup);
}

}  // namespace
}  // namespace databridge
