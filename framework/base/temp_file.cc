#include "framework/base/temp_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "framework/base/error_kind.h"

namespace databridge {
namespace {

std::string TempDir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

absl::Status Failed(absl::string_view what) {
  return MakeError(ErrorKind::kInternal, absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TempFile>> TempFile::Create() {
  std::string dir = TempDir();
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {  // a file system without O_TMPFILE: a named file, unlinked at once
    std::string name = absl::StrCat(dir, "/data-bridge-XXXXXX");
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) return Failed("temporary file");
    ::unlink(name.c_str());
  }
  return std::unique_ptr<TempFile>(new TempFile(fd));
}

TempFile::~TempFile() { ::close(fd_); }

absl::Status TempFile::Write(absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Failed("writing a temporary file");
    }
    data.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> TempFile::ReadAll() const {
  std::string out(size_, '\0');
  size_t done = 0;
  while (done < size_) {
    ssize_t n = ::pread(fd_, out.data() + done, size_ - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Failed("reading a temporary file");
    done += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace databridge
