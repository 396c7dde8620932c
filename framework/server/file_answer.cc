#include "framework/server/file_answer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "framework/base/error_kind.h"
#include "framework/server/error_response.h"

namespace databridge::server {
namespace {

constexpr size_t kMaxRanges = 100;

absl::Status Malformed(absl::string_view why = "Malformed range header.") {
  return MakeError(ErrorKind::kBadRequest, why);
}

// Python's int() of a stripped decimal string (an optional sign, digits, underscores between
// digits); false for anything else.
bool PythonInt(absl::string_view s, int64_t* out) {
  std::string digits;
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  bool last_digit = false;
  for (; i < s.size(); ++i) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) {
      digits.push_back(s[i]);
      last_digit = true;
    } else if (s[i] == '_' && last_digit && i + 1 < s.size()) {
      last_digit = false;
    } else {
      return false;
    }
  }
  if (digits.empty() || !last_digit) return false;
  uint64_t v = 0;
  if (!absl::SimpleAtoi(digits, &v) || v > static_cast<uint64_t>(INT64_MAX)) return false;
  *out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

std::string Boundary() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrCat(absl::Hex(random(), absl::kZeroPad16),
                      absl::Hex(random() >> 24, absl::kZeroPad10));
}

}  // namespace

OpenFile::~OpenFile() { ::close(fd_); }

absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> ParseRange(absl::string_view range,
                                                                    int64_t size) {
  using Ranges = std::vector<std::pair<int64_t, int64_t>>;
  size_t eq = range.find('=');
  if (eq == absl::string_view::npos) return Malformed();
  std::string units = absl::AsciiStrToLower(absl::StripAsciiWhitespace(range.substr(0, eq)));
  if (units != "bytes") return Malformed("Only support bytes range");
  absl::string_view spec = range.substr(eq + 1);
  if (static_cast<size_t>(std::count(spec.begin(), spec.end(), ',')) + 1 > kMaxRanges) {
    return Ranges();
  }
  Ranges ranges;
  for (absl::string_view part : absl::StrSplit(spec, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty() || part == "-") continue;
    size_t dash = part.find('-');
    if (dash == absl::string_view::npos) continue;
    absl::string_view start_s = absl::StripAsciiWhitespace(part.substr(0, dash));
    absl::string_view end_s = absl::StripAsciiWhitespace(part.substr(dash + 1));
    int64_t start = 0, end = 0, n = 0;
    if (!start_s.empty()) {
      if (!PythonInt(start_s, &start)) continue;
    } else {
      if (!PythonInt(end_s, &n)) continue;
      start = std::max<int64_t>(size - n, 0);
    }
    if (!start_s.empty() && !end_s.empty()) {
      if (!PythonInt(end_s, &n)) continue;
      end = n < size ? n + 1 : size;
    } else {
      end = size;
    }
    ranges.emplace_back(start, end);
  }
  if (ranges.empty()) return Malformed("Range header: range must be requested");
  for (const auto& [start, end] : ranges) {
    if (!(0 <= start && start < size)) {
      return absl::OutOfRangeError(absl::StrCat("bytes */", size));
    }
  }
  for (const auto& [start, end] : ranges) {
    if (start >= end) return Malformed("Range header: start must be less than end");
  }
  if (ranges.size() == 1) return ranges;
  std::sort(ranges.begin(), ranges.end());
  Ranges merged{ranges[0]};
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, ranges[i].second);
    } else {
      merged.push_back(ranges[i]);
    }
  }
  return merged;
}

absl::StatusOr<FileAnswer> OpenFileAnswer(const http::Response& response, absl::string_view range,
                                          absl::string_view if_range) {
  int fd = ::open(response.file_path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) ::close(fd);
    return MakeError(ErrorKind::kInternal,
                     absl::StrCat("File at path ", response.file_path, " cannot be sent"));
  }
  FileAnswer a;
  a.file = std::make_shared<OpenFile>(fd);
  a.head = response;
  a.head.file_path.clear();
  a.head.body.clear();
  a.head.streaming = true;
  const int64_t size = st.st_size;
  const bool use_range = !range.empty() && response.status == 200 &&
                         (if_range.empty() || (!absl::StartsWith(if_range, "W/") &&
                                               (if_range == response.headers.Get("last-modified") ||
                                                if_range == response.headers.Get("etag"))));
  std::vector<std::pair<int64_t, int64_t>> ranges;
  if (use_range) {
    auto parsed = ParseRange(range, size);
    if (!parsed.ok()) {
      a.file = nullptr;
      if (absl::IsOutOfRange(parsed.status())) {
        a.head = PlainTextResponse(416, "");
        a.head.headers.Add("content-range", parsed.status().message());
      } else {
        a.head = PlainTextResponse(400, parsed.status().message());
      }
      return a;
    }
    ranges = *std::move(parsed);
  }
  if (ranges.empty()) {
    a.head.length = size;
    if (size > 0) a.body.push_back({"", 0, size});
    return a;
  }
  a.head.status = 206;
  if (ranges.size() == 1) {
    auto [start, end] = ranges[0];
    a.head.headers.Set("content-range", absl::StrCat("bytes ", start, "-", end - 1, "/", size));
    a.head.length = end - start;
    a.body.push_back({"", start, end - start});
    return a;
  }
  const std::string boundary = Boundary();
  const std::string type = a.head.content_type;
  int64_t length = 0;
  for (const auto& [start, end] : ranges) {
    std::string text =
        absl::StrCat(a.body.empty() ? "" : "\r\n", "--", boundary, "\r\nContent-Type: ", type,
                     "\r\nContent-Range: bytes ", start, "-", end - 1, "/", size, "\r\n\r\n");
    length += static_cast<int64_t>(text.size()) + (end - start);
    a.body.push_back({std::move(text), start, end - start});
  }
  std::string last = absl::StrCat("\r\n--", boundary, "--");
  length += static_cast<int64_t>(last.size());
  a.body.push_back({std::move(last), 0, 0});
  a.head.content_type = absl::StrCat("multipart/byteranges; boundary=", boundary);
  a.head.length = length;
  return a;
}

}  // namespace databridge::server
