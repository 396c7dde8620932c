// FileAnswer: a FileResponse's file as the answer, as Starlette's FileResponse serves it
// (RFC 9110 section 14): the whole file; for a 200 to a GET or HEAD with a Range, one range
// as a 206 with Content-Range, several (overlaps merged) as a 206 multipart/byteranges, an
// If-Range honoured when it is the ETag or Last-Modified (never a weak one); a Range that is
// malformed is a 400, one past the end a 416 with Content-Range "bytes */size", and more
// than 100 ranges get the whole file.
//
//   absl::StatusOr<FileAnswer> a = OpenFileAnswer(response, range, if_range);
//   a->head: the response to send (streaming, its length known); then a->body's segments,
//   each its text and `length` bytes of a->file from `offset`, as the client takes them.
// A file that cannot be opened is kInternal (a 500, as Starlette's RuntimeError). Pure but
// for opening the file; used on an I/O thread.
#ifndef DATABRIDGE_FRAMEWORK_SERVER_FILE_ANSWER_H_
#define DATABRIDGE_FRAMEWORK_SERVER_FILE_ANSWER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "framework/http/message.h"

namespace databridge::server {

struct FileSegment {
  std::string text;    // sent first
  int64_t offset = 0;  // then `length` bytes of the file from here
  int64_t length = 0;
};

// An open file, closed with its last holder.
class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

struct FileAnswer {
  http::Response head;
  std::shared_ptr<OpenFile> file;  // null: head is the whole answer (400, 416)
  std::deque<FileSegment> body;
};

// Starlette's reading of a Range header against a file of `size` bytes: the byte ranges
// [start, end) (several merged when they overlap), or an empty list (no usable range: the
// whole file); errors: kBadRequest (a 400 with its message), or OutOfRange (a 416, its
// message the Content-Range to send).
absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> ParseRange(absl::string_view range,
                                                                    int64_t size);

absl::StatusOr<FileAnswer> OpenFileAnswer(const http::Response& response, absl::string_view range,
                                          absl::string_view if_range);

}  // namespace databridge::server

#endif  // DATABRIDGE_FRAMEWORK_SERVER_FILE_ANSWER_H_
