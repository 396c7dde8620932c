// TempFile: an anonymous temporary file for data too large to hold in memory (an upload's
// part past its spool size). It has no name on disk (O_TMPFILE in $TMPDIR or /tmp, or a
// mkstemp name unlinked at once), is written in sequence and closed with its owner; the
// space is freed when the last descriptor for it (a dup handed to Python too) is closed.
//
//   absl::StatusOr<std::unique_ptr<TempFile>> f = TempFile::Create();
//   absl::Status s = (*f)->Write(piece);   // appends all of it
//   pread((*f)->fd(), buf, n, offset);
// Errors are kInternal (no space, no directory). Not thread-safe; Write from one thread.
#ifndef DATABRIDGE_FRAMEWORK_BASE_TEMP_FILE_H_
#define DATABRIDGE_FRAMEWORK_BASE_TEMP_FILE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace databridge {

class TempFile {
 public:
  static absl::StatusOr<std::unique_ptr<TempFile>> Create();
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  absl::Status Write(absl::string_view data);
  // The whole content, read back (for a part wanted as bytes).
  absl::StatusOr<std::string> ReadAll() const;
  int fd() const { return fd_; }
  size_t size() const { return size_; }

 private:
  explicit TempFile(int fd) : fd_(fd) {}
  int fd_;
  size_t size_ = 0;
};

}  // namespace databridge

#endif  // DATABRIDGE_FRAMEWORK_BASE_TEMP_FILE_H_
