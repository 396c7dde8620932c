// MultipartParser: a multipart/form-data body (RFC 7578 over RFC 2046) parsed as it arrives,
// in pieces of any size, with python-multipart's rules (what Starlette and FastAPI read
// uploads with): the body starts with the first boundary (leading CR/LF skipped), each part
// is its header lines, a blank line and its data up to CRLF "--" boundary; "--" after a
// boundary ends the body, and what follows is ignored. A part the body ends inside (no
// closing boundary) is never reported ended, so it is not used.
//
//   std::optional<std::string> boundary = MultipartBoundary(content_type);
//   MultipartParser parser(*boundary, &sink);   // sink: MultipartParser::Sink
//   absl::Status s = parser.Feed(piece);         // as often as pieces arrive
// Errors are InvalidArgument (malformed framing, header lines past kMaxHeaderBytes); once
// one is returned the parser takes nothing more. Part data reaches the sink in runs, never
// copied by the parser beyond a possible boundary prefix held across pieces. Not
// thread-safe; one per body.
#ifndef DATABRIDGE_FRAMEWORK_HTTP_MULTIPART_H_
#define DATABRIDGE_FRAMEWORK_HTTP_MULTIPART_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace databridge::http {

// One part's header lines: names lower-cased, values as sent (leading spaces dropped).
struct PartHead {
  std::vector<std::pair<std::string, std::string>> headers;
  // From Content-Disposition (python-multipart's parse_options_header): the field name and
  // the file name (a full Windows path reduced to its last segment), each absent when not
  // given; and the part's Content-Type (empty when none).
  std::optional<std::string> name;
  std::optional<std::string> filename;
  std::string content_type;
};

// The boundary of a multipart/form-data Content-Type (quoted or not); nullopt when the
// media type is not multipart/form-data or no boundary is given.
std::optional<std::string> MultipartBoundary(absl::string_view content_type);

// `value`'s parameters as python-multipart's parse_options_header reads them: the value
// before the first ';' (lower-cased), then name=value pairs (names lower-cased, quotes and
// their backslash escapes removed, RFC 2231 name*=charset''percent-encoded as UTF-8).
std::pair<std::string, std::vector<std::pair<std::string, std::string>>> ParseOptionsHeader(
    absl::string_view value);

class MultipartParser {
 public:
  static constexpr size_t kMaxHeaderBytes = 16 * 1024;  // one part's header lines

  class Sink {
   public:
    virtual ~Sink() = default;
    virtual absl::Status OnPartBegin(const PartHead& head) = 0;
    virtual absl::Status OnPartData(absl::string_view data) = 0;
    virtual absl::Status OnPartEnd() = 0;
  };

  MultipartParser(absl::string_view boundary, Sink* sink);

  // Parses the next piece of the body. A sink error stops the parser and is returned.
  absl::Status Feed(absl::string_view piece);
  // Whether the closing boundary has been seen.
  bool done() const { return state_ == State::kEnd; }

 private:
  enum class State {
    kStart,          // leading CR/LF, then the first boundary
    kFirstBoundary,  // matching "--" boundary
    kAfterBoundary,  // CR (a part follows) or '-' (the end)
    kAfterBoundaryLF,
    kClosingHyphen,  // the second '-' of "--"
    kHeaderLine,     // a header line, or the blank line ending them
    kData,           // part data up to CRLF "--" boundary
    kEnd,            // after the closing boundary: the rest is ignored
    kFailed,
  };

  absl::Status Fail(absl::string_view why);
  absl::Status EndHeaders();
  absl::Status Data(absl::string_view piece, size_t* i);

  std::string delimiter_;  // CRLF "--" boundary
  Sink* sink_;
  State state_ = State::kStart;
  size_t matched_ = 0;  // of the delimiter (in kFirstBoundary: of delimiter_ from index 2)
  std::string header_;  // the header line being read
  size_t header_bytes_ = 0;
  PartHead head_;
};

}  // namespace databridge::http

#endif  // DATABRIDGE_FRAMEWORK_HTTP_MULTIPART_H_
