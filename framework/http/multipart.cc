#include "framework/http/multipart.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framework/http/url.h"

namespace databridge::http {

namespace {

// The parameters of a header value, split at ';' outside quotes.
std::vector<absl::string_view> SplitParams(absl::string_view value) {
  std::vector<absl::string_view> out;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted && c == '\\' && i + 1 < value.size()) {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ';' && !quoted) {
      out.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(value.substr(start));
  return out;
}

// email.utils.unquote: a quoted value without its quotes and backslash escapes.
std::string Unquote(absl::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  v = v.substr(1, v.size() - 2);
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size() && (v[i + 1] == '\\' || v[i + 1] == '"')) ++i;
    out.push_back(v[i]);
  }
  return out;
}

}  // namespace

std::pair<std::string, std::vector<std::pair<std::string, std::string>>> ParseOptionsHeader(
    absl::string_view value) {
  std::vector<absl::string_view> parts = SplitParams(value);
  std::string type = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
  std::vector<std::pair<std::string, std::string>> options;
  for (size_t i = 1; i < parts.size(); ++i) {
    absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
    size_t eq = param.find('=');
    if (eq == absl::string_view::npos) continue;
    std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(param.substr(0, eq)));
    std::string v = Unquote(absl::StripAsciiWhitespace(param.substr(eq + 1)));
    if (!key.empty() && key.back() == '*') {  // RFC 2231: charset'language'percent-encoded
      key.pop_back();
      size_t first = v.find('\'');
      size_t second = first == std::string::npos ? first : v.find('\'', first + 1);
      std::string decoded;
      if (second != std::string::npos && PercentDecode(v.substr(second + 1), &decoded)) {
        v = std::move(decoded);
      }
    }
    if (key == "filename" &&
        ((v.size() >= 3 && v.compare(1, 2, ":\\") == 0) || absl::StartsWith(v, "\\\\"))) {
      v = v.substr(v.rfind('\\') + 1);  // a full Windows path: its last segment
    }
    bool replaced = false;
    for (auto& [k, existing] : options) {
      if (k == key) {
        existing = v;
        replaced = true;
      }
    }
    if (!replaced) options.emplace_back(std::move(key), std::move(v));
  }
  return {std::move(type), std::move(options)};
}

std::optional<std::string> MultipartBoundary(absl::string_view content_type) {
  auto [type, options] = ParseOptionsHeader(content_type);
  if (type != "multipart/form-data") return std::nullopt;
  for (const auto& [key, value] : options) {
    if (key == "boundary" && !value.empty()) return value;
  }
  return std::nullopt;
}

MultipartParser::MultipartParser(absl::string_view boundary, Sink* sink)
    : delimiter_(absl::StrCat("\r\n--", boundary)), sink_(sink) {}

absl::Status MultipartParser::Fail(absl::string_view why) {
  state_ = State::kFailed;
  return absl::InvalidArgumentError(why);
}

absl::Status MultipartParser::EndHeaders() {
  for (const auto& [name, value] : head_.headers) {
    if (name == "content-disposition") {
      auto [type, options] = ParseOptionsHeader(value);
      for (auto& [key, v] : options) {
        if (key == "name") head_.name = v;
        if (key == "filename") head_.filename = v;
      }
    } else if (name == "content-type") {
      head_.content_type = value;
    }
  }
  state_ = State::kData;
  matched_ = 0;
  absl::Status s = sink_->OnPartBegin(head_);
  if (!s.ok()) state_ = State::kFailed;
  return s;
}

// Part data from piece[*i]: runs up to a delimiter are handed on; a delimiter's prefix at
// the piece's end is held (matched_) until the next piece says whether it is one. A whole
// delimiter is a boundary only when CR or '-' follows it (python-multipart's rule: else it
// was data).
absl::Status MultipartParser::Data(absl::string_view piece, size_t* i) {
  size_t run = *i;  // start of data not yet handed on, in this piece
  while (*i < piece.size()) {
    char c = piece[*i];
    if (matched_ == delimiter_.size()) {
      if (c == '\r' || c == '-') {  // a boundary: the data before it, then the part's end
        if (*i >= run + matched_) {
          size_t data_end = *i - matched_;
          if (data_end > run) {
            absl::Status s = sink_->OnPartData(piece.substr(run, data_end - run));
            if (!s.ok()) return s;
          }
        }
        matched_ = 0;
        state_ = State::kAfterBoundary;
        return sink_->OnPartEnd();
      }
    } else if (c == delimiter_[matched_]) {
      ++matched_;
      ++*i;
      continue;
    }
    if (matched_ > 0) {            // a false start: the held or matched bytes were data
      size_t in_piece = *i - run;  // of the matched bytes, those in this piece (the rest held)
      if (matched_ > in_piece) {
        absl::Status s =
            sink_->OnPartData(absl::string_view(delimiter_).substr(0, matched_ - in_piece));
        if (!s.ok()) return s;
      }
      matched_ = 0;
      continue;  // the same byte may start a delimiter
    }
    const void* cr = std::memchr(piece.data() + *i, '\r', piece.size() - *i);
    *i = cr ? static_cast<const char*>(cr) - piece.data() : piece.size();
  }
  // The piece ends: hand on its data but for a delimiter prefix being matched.
  size_t end = piece.size() - std::min(matched_, piece.size() - run);
  if (end > run) return sink_->OnPartData(piece.substr(run, end - run));
  return absl::OkStatus();
}

absl::Status MultipartParser::Feed(absl::string_view piece) {
  size_t i = 0;
  while (i < piece.size()) {
    const char c = piece[i];
    switch (state_) {
      case State::kFailed:
        return absl::InvalidArgumentError("the multipart body failed before");
      case State::kEnd:
        return absl::OkStatus();
      case State::kStart:
        if (c == '\r' || c == '\n') {
          ++i;
          break;
        }
        state_ = State::kFirstBoundary;
        matched_ = 2;  // the first boundary has no CRLF before it
        break;
      case State::kFirstBoundary:
        if (c != delimiter_[matched_]) {
          return Fail(absl::StrCat(
              "Expected boundary character ",
              static_cast<int>(static_cast<unsigned char>(delimiter_[matched_])), ", got ",
              static_cast<int>(static_cast<unsigned char>(c)), " at index ", matched_));
        }
        ++i;
        if (++matched_ == delimiter_.size()) {
          matched_ = 0;
          state_ = State::kAfterBoundary;
        }
        break;
      case State::kAfterBoundary:
        if (c == '-') {
          state_ = State::kClosingHyphen;
        } else if (c == '\r') {
          state_ = State::kAfterBoundaryLF;
        } else {
          return Fail("Did not find CR at end of boundary");
        }
        ++i;
        break;
      case State::kClosingHyphen:
        if (c != '-') return Fail("Did not find - at end of boundary");
        state_ = State::kEnd;
        return absl::OkStatus();
      case State::kAfterBoundaryLF:
        if (c != '\n') return Fail("Did not find LF at end of boundary");
        ++i;
        head_ = PartHead();
        header_.clear();
        header_bytes_ = 0;
        state_ = State::kHeaderLine;
        break;
      case State::kHeaderLine: {
        const void* lf = std::memchr(piece.data() + i, '\n', piece.size() - i);
        size_t end = lf ? static_cast<const char*>(lf) - piece.data() : piece.size();
        header_bytes_ += end - i + (lf ? 1 : 0);
        if (header_bytes_ > kMaxHeaderBytes) return Fail("Part headers too large");
        header_.append(piece.data() + i, end - i);
        i = lf ? end + 1 : end;
        if (!lf) break;
        if (header_.empty() || header_.back() != '\r')
          return Fail("Did not find CR at end of header");
        header_.pop_back();
        if (header_.empty()) {  // the blank line: the part's data follows
          absl::Status s = EndHeaders();
          if (!s.ok()) return s;
          break;
        }
        size_t colon = header_.find(':');
        if (colon == 0 || colon == std::string::npos) return Fail("Malformed header line");
        std::string name = absl::AsciiStrToLower(header_.substr(0, colon));
        absl::string_view value =
            absl::StripLeadingAsciiWhitespace(absl::string_view(header_).substr(colon + 1));
        head_.headers.emplace_back(std::move(name), std::string(value));
        header_.clear();
        break;
      }
      case State::kData: {
        absl::Status s = Data(piece, &i);
        if (!s.ok()) {
          state_ = State::kFailed;
          return s;
        }
        break;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace databridge::http
