#include "framework/json/python_decode_error.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "simdjson.h"

namespace databridge::json {

namespace {

class Scanner {
 public:
  explicit Scanner(absl::string_view s) : s_(s) {}

  // Scans the whole document; false with message_/at_ (a byte offset) on the first error.
  bool Document() {
    size_t i = Space(0);
    // Containers open: '{' or '['. Values are scanned in a loop, not by recursion.
    std::vector<char> open;
    for (;;) {
      // A value starts at i.
      if (i < s_.size() && (s_[i] == '{' || s_[i] == '[')) {
        const char c = s_[i];
        i = Space(i + 1);
        if (i < s_.size() && s_[i] == (c == '{' ? '}' : ']')) {
          i = i + 1;  // empty: a complete value
        } else {
          open.push_back(c);
          if (open.size() > kPythonMaxDepth) {
            too_deep_ = true;
            return false;
          }
          if (c == '{' && !Key(&i)) return false;
          continue;  // the first member's (or item's) value
        }
      } else if (!Scalar(&i)) {
        return false;
      }
      // A value ended at i: close what it completes, or expect the next member.
      for (;;) {
        if (open.empty()) {
          i = Space(i);
          if (i != s_.size()) return Fail("Extra data", i);
          return true;
        }
        const char close = open.back() == '{' ? '}' : ']';
        i = Space(i);
        if (i < s_.size() && s_[i] == close) {
          open.pop_back();
          ++i;
          continue;
        }
        if (i >= s_.size() || s_[i] != ',') return Fail("Expecting ',' delimiter", i);
        i = Space(i + 1);
        if (open.back() == '{' && !Key(&i)) return false;
        break;
      }
    }
  }

  const std::string& message() const { return message_; }
  bool too_deep() const { return too_deep_; }
  size_t at() const { return at_; }

 private:
  size_t Space(size_t i) const {
    while (i < s_.size() && (s_[i] == ' ' || s_[i] == '\t' || s_[i] == '\n' || s_[i] == '\r')) {
      ++i;
    }
    return i;
  }

  bool Fail(const char* message, size_t at) {
    message_ = message;
    at_ = at;
    return false;
  }

  // `"key" :` from *i, leaving *i at the member's value.
  bool Key(size_t* i) {
    if (*i >= s_.size() || s_[*i] != '"') {
      return Fail("Expecting property name enclosed in double quotes", *i);
    }
    if (!String(*i + 1, i)) return false;
    *i = Space(*i);
    if (*i >= s_.size() || s_[*i] != ':') return Fail("Expecting ':' delimiter", *i);
    *i = Space(*i + 1);
    return true;
  }

  // The rest of a string whose quote is just before `start`; *end after its closing quote.
  bool String(size_t start, size_t* end) {
    size_t i = start;
    for (;;) {
      if (i >= s_.size()) return Fail("Unterminated string starting at", start - 1);
      const unsigned char c = static_cast<unsigned char>(s_[i]);
      if (c == '"') {
        *end = i + 1;
        return true;
      }
      if (c == '\\') {
        ++i;
        if (i >= s_.size()) return Fail("Unterminated string starting at", start - 1);
        const char esc = s_[i];
        if (esc == 'u') {
          for (size_t k = 1; k <= 4; ++k) {
            if (i + k >= s_.size() ||
                !absl::ascii_isxdigit(static_cast<unsigned char>(s_[i + k]))) {
              return Fail("Invalid \\uXXXX escape", i);
            }
          }
          i += 5;
        } else if (absl::string_view("\"\\/bfnrt").find(esc) != absl::string_view::npos) {
          ++i;
        } else {
          return Fail("Invalid \\escape", i - 1);
        }
        continue;
      }
      if (c < 0x20) return Fail("Invalid control character at", i);
      ++i;
    }
  }

  // A string, number or literal at *i; *i after it.
  bool Scalar(size_t* i) {
    const size_t at = *i;
    if (at >= s_.size()) return Fail("Expecting value", at);
    const absl::string_view rest = s_.substr(at);
    if (rest[0] == '"') return String(at + 1, i);
    for (absl::string_view word : {"null", "true", "false", "NaN", "Infinity", "-Infinity"}) {
      if (absl::StartsWith(rest, word)) {
        *i = at + word.size();
        return true;
      }
    }
    size_t k = 0;
    if (rest[k] == '-') ++k;
    if (k >= rest.size() || !absl::ascii_isdigit(static_cast<unsigned char>(rest[k]))) {
      return Fail("Expecting value", at);
    }
    if (rest[k] == '0') {
      ++k;
    } else {
      while (k < rest.size() && absl::ascii_isdigit(static_cast<unsigned char>(rest[k]))) ++k;
    }
    auto digits_at = [&](size_t p) {
      return p < rest.size() && absl::ascii_isdigit(static_cast<unsigned char>(rest[p]));
    };
    if (k < rest.size() && rest[k] == '.' && digits_at(k + 1)) {
      k += 1;
      while (digits_at(k)) ++k;
    }
    if (k < rest.size() && (rest[k] == 'e' || rest[k] == 'E')) {
      size_t e = k + 1;
      if (e < rest.size() && (rest[e] == '+' || rest[e] == '-')) ++e;
      if (digits_at(e)) {
        while (digits_at(e)) ++e;
        k = e;
      }
    }
    *i = at + k;
    return true;
  }

  absl::string_view s_;
  std::string message_;
  size_t at_ = 0;
  bool too_deep_ = false;
};

// Code points before byte offset `at` of UTF-8 text.
size_t Characters(absl::string_view s, size_t at) {
  size_t n = 0;
  for (size_t i = 0; i < at && i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

PythonJsonError PythonDecodeError(absl::string_view document) {
  PythonJsonError out;
  if (!simdjson::validate_utf8(document.data(), document.size())) {
    out.utf8 = false;
    return out;
  }
  if (absl::StartsWith(document, "\xEF\xBB\xBF")) document.remove_prefix(3);  // utf-8-sig
  Scanner scanner(document);
  if (!scanner.Document()) {
    out.too_deep = scanner.too_deep();
    out.message = scanner.message();
    out.position = Characters(document, scanner.at());
  }
  return out;
}

}  // namespace databridge::json
