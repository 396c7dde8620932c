#include "framework/http1/http1_codec.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "framework/base/error_kind.h"
#include "framework/http/status_line.h"
#include "framework/http/url.h"

namespace databridge::http1 {
namespace {

Http1Codec* Self(llhttp_t* p) { return static_cast<Http1Codec*>(p->data); }

absl::Status Bad(absl::string_view why) { return MakeError(ErrorKind::kBadRequest, why); }

absl::Status VersionNotSupported(int major, int minor) {
  return MakeError(ErrorKind::kVersionNotSupported,
                   absl::StrCat("HTTP/", major, ".", minor, " is not supported"));
}

// Splits an absolute-form target (RFC 9112 section 3.2.2) into authority and the rest
// ("/path?query", possibly empty). False when it is not one.
bool SplitAbsoluteForm(absl::string_view target, absl::string_view* authority,
                       absl::string_view* rest) {
  size_t sep = target.find("://");
  if (sep == absl::string_view::npos || sep == 0) return false;
  for (char c : target.substr(0, sep)) {
    if (!absl::ascii_isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  absl::string_view after = target.substr(sep + 3);
  size_t end = after.find_first_of("/?#");
  *authority = after.substr(0, end);
  *rest = end == absl::string_view::npos ? absl::string_view() : after.substr(end);
  return true;
}

}  // namespace

Http1Codec::Http1Codec(const http::Limits& limits, http::ServerCodecCallbacks* callbacks)
    : limits_(limits), callbacks_(callbacks) {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &OnMessageBegin;
  settings_.on_url = &OnUrl;
  settings_.on_header_field = &OnHeaderField;
  settings_.on_header_value = &OnHeaderValue;
  settings_.on_header_value_complete = &OnHeaderValueComplete;
  settings_.on_headers_complete = &OnHeadersComplete;
  settings_.on_chunk_header = &OnChunkHeader;
  settings_.on_chunk_extension_name = &OnChunkExtension;
  settings_.on_chunk_extension_value = &OnChunkExtension;
  settings_.on_body = &OnBody;
  settings_.on_message_complete = &OnMessageComplete;
  llhttp_init(&parser_, HTTP_REQUEST, &settings_);
  parser_.data = this;
}

absl::StatusOr<size_t> Http1Codec::Feed(absl::string_view data) {
  if (!error_.ok()) return error_;
  llhttp_errno_t err = llhttp_execute(&parser_, data.data(), data.size());
  if (err == HPE_OK) return data.size();
  if (err == HPE_PAUSED) {
    // OnRequest asked to pause: everything up to the end of that request was used.
    size_t used = static_cast<size_t>(llhttp_get_error_pos(&parser_) - data.data());
    llhttp_resume(&parser_);
    return used;
  }
  error_ = ParseError(err);
  return error_;
}

absl::Status Http1Codec::ParseError(llhttp_errno_t err) {
  if (!error_.ok()) return error_;  // a limit or rule of ours, from a callback
  // Well-formed digits llhttp does not take (HTTP/1.2, HTTP/2.0, HTTP/9.9): a version we
  // do not speak, 505; its other version errors are malformed syntax, 400.
  if (err == HPE_INVALID_VERSION &&
      absl::string_view(llhttp_get_error_reason(&parser_)) == "Invalid HTTP version") {
    return VersionNotSupported(parser_.http_major, parser_.http_minor);
  }
  return Bad(absl::StrCat("malformed request: ", llhttp_get_error_reason(&parser_)));
}

int Http1Codec::Fail(absl::Status status) {
  error_ = std::move(status);
  return -1;
}

bool Http1Codec::AddHeaderBytes(size_t len) {
  header_bytes_ += len;
  if (header_bytes_ <= limits_.max_header_bytes) return true;
  Fail(MakeError(ErrorKind::kHeaderTooLarge, "header section too large"));
  return false;
}

int Http1Codec::OnMessageBegin(llhttp_t* p) {
  Http1Codec* self = Self(p);
  self->request_ = http::Request();
  self->body_bytes_ = 0;
  self->field_.clear();
  self->value_.clear();
  self->header_bytes_ = 0;
  self->extension_bytes_ = 0;
  self->in_request_ = true;
  self->callbacks_->OnRequestStart();
  return 0;
}

int Http1Codec::OnUrl(llhttp_t* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  if (self->request_.target.size() + len > self->limits_.max_request_line) {
    return self->Fail(MakeError(ErrorKind::kUriTooLong, "request-target too long"));
  }
  self->request_.target.append(at, len);
  return 0;
}

int Http1Codec::OnHeaderField(llhttp_t* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  if (!self->AddHeaderBytes(len)) return -1;
  self->field_.append(at, len);
  return 0;
}

int Http1Codec::OnHeaderValue(llhttp_t* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  if (!self->AddHeaderBytes(len)) return -1;
  self->value_.append(at, len);
  return 0;
}

int Http1Codec::OnHeaderValueComplete(llhttp_t* p) {
  Http1Codec* self = Self(p);
  if (self->request_.headers.size() >= self->limits_.max_headers) {
    return self->Fail(MakeError(ErrorKind::kHeaderTooLarge, "too many header fields"));
  }
  // llhttp keeps an obsolete line folding's CRLF in the value; RFC 9112 section 5.2 lets a
  // server refuse it, and a folded value is a smuggling vector: refuse.
  if (!http::IsSafeFieldText(self->value_)) return self->Fail(Bad("obsolete line folding"));
  self->request_.headers.Add(self->field_, absl::StripTrailingAsciiWhitespace(self->value_));
  self->field_.clear();
  self->value_.clear();
  return 0;
}

absl::Status Http1Codec::CheckRequest(const llhttp_t* p) {
  http::Request& req = request_;
  if (p->http_major != 1 || p->http_minor > 1) {
    return VersionNotSupported(p->http_major, p->http_minor);
  }
  req.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
  req.is_head = p->method == HTTP_HEAD;
  req.version_minor = p->http_minor;

  // Transfer-Encoding: only a lone `chunked` frames a request body we can read (RFC 9112
  // section 6.1; `chunked, chunked` and `identity, chunked` are smuggling shapes). llhttp
  // itself refuses Transfer-Encoding together with Content-Length (section 6.3).
  int codings = 0;
  bool host_seen = false;
  absl::string_view host;
  for (const auto& [name, value] : req.headers.entries()) {
    if (name == "transfer-encoding") {
      for (absl::string_view t : absl::StrSplit(value, ',')) {
        ++codings;
        if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(t), "chunked")) {
          return Bad("unsupported transfer-coding");
        }
      }
    } else if (name == "host") {
      if (host_seen) return Bad("more than one Host");
      host_seen = true;
      host = value;
    }
  }
  if (codings > 1) return Bad("chunked applied more than once");
  if (codings == 1 && p->http_minor == 0) return Bad("Transfer-Encoding in an HTTP/1.0 request");
  if (!host_seen && p->http_minor == 1) return Bad("missing Host");  // RFC 9112 section 3.2
  if (!http::ValidAuthority(host)) return Bad("invalid Host");

  // The request-target: origin-form, absolute-form (its authority wins over Host, RFC 9112
  // section 3.2.2), authority-form (CONNECT) or asterisk-form (OPTIONS).
  absl::string_view target = req.target, authority, rest;
  if (p->method == HTTP_CONNECT) {
    if (!http::ValidAuthority(target) || target.empty()) return Bad("malformed CONNECT target");
    req.path = "/";
  } else if (target == "*") {
    if (p->method != HTTP_OPTIONS) return Bad("asterisk-form target outside OPTIONS");
    req.path = "*";
  } else if (!target.empty() && target[0] == '/') {
    rest = target;
  } else if (SplitAbsoluteForm(target, &authority, &rest)) {
    if (absl::StrContains(authority, '@') || !http::ValidAuthority(authority) ||
        authority.empty()) {
      return Bad("malformed request-target authority");
    }
    req.headers.Set("host", authority);
    if (rest.empty() || rest[0] != '/') req.path = "/";
  } else {
    return Bad("malformed request-target");
  }
  if (!rest.empty()) {
    size_t hash = rest.find('#');
    if (hash != absl::string_view::npos) rest = rest.substr(0, hash);
    size_t q = rest.find('?');
    if (req.path.empty()) req.path = std::string(rest.substr(0, q));
    if (q != absl::string_view::npos) req.query = std::string(rest.substr(q + 1));
  }
  if (http::HasEncodedNul(req.path)) return Bad("NUL in the request path");

  const bool chunked = (p->flags & F_CHUNKED) != 0;
  const bool has_length = (p->flags & F_CONTENT_LENGTH) != 0;
  if (chunked || (has_length && p->content_length > 0)) {
    req.body_sink = callbacks_->OnBodyStart(req);
  }
  if (has_length && p->content_length > BodyLimit()) {
    return MakeError(ErrorKind::kPayloadTooLarge, "request body too large");
  }
  // With room for the JSON parser's padding, so the body is parsed where it lies.
  if (has_length && !req.body_sink) req.body.reserve(p->content_length + http::kBodyPadding);

  absl::string_view expect = req.headers.Get("expect");
  if (!expect.empty() && p->http_minor >= 1 && absl::EqualsIgnoreCase(expect, "100-continue") &&
      (chunked || (has_length && p->content_length > 0))) {
    callbacks_->OnContinue();
  }
  return absl::OkStatus();
}

int Http1Codec::OnHeadersComplete(llhttp_t* p) {
  Http1Codec* self = Self(p);
  // Upgrades are the session's to take (h2c) after the request is complete; to the parser
  // every request is an ordinary one, and what follows it more HTTP/1.1.
  p->upgrade = 0;
  if (auto s = self->CheckRequest(p); !s.ok()) return self->Fail(std::move(s));
  return 0;
}

int Http1Codec::OnChunkHeader(llhttp_t* p) {
  Http1Codec* self = Self(p);
  // The declared size is known before any of its bytes: refuse at once.
  if (p->content_length > self->BodyLimit() - self->body_bytes_) {
    return self->Fail(MakeError(ErrorKind::kPayloadTooLarge, "request body too large"));
  }
  return 0;
}

int Http1Codec::OnChunkExtension(llhttp_t* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  (void)at;
  self->extension_bytes_ += len;
  if (self->extension_bytes_ > kMaxChunkExtensionBytes) {
    return self->Fail(Bad("chunk extensions too long"));
  }
  return 0;
}

int Http1Codec::OnBody(llhttp_t* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  if (self->body_bytes_ + len > self->BodyLimit()) {
    return self->Fail(MakeError(ErrorKind::kPayloadTooLarge, "request body too large"));
  }
  self->body_bytes_ += len;
  http::BodySink* sink = self->request_.body_sink.get();
  if (sink == nullptr) {
    self->request_.body.append(at, len);
  } else if (auto s = sink->Write(absl::string_view(at, len)); !s.ok()) {
    return self->Fail(std::move(s));
  } else {
    self->callbacks_->OnBodyProgress();
  }
  return 0;
}

int Http1Codec::OnMessageComplete(llhttp_t* p) {
  Http1Codec* self = Self(p);
  // After CONNECT come tunnel bytes, never another request: we are no proxy.
  self->request_.keep_alive = llhttp_should_keep_alive(p) != 0 && p->method != HTTP_CONNECT;
  self->in_request_ = false;
  if (self->request_.body_sink) {
    if (auto s = self->request_.body_sink->End(); !s.ok()) return self->Fail(std::move(s));
  }
  if (!self->callbacks_->OnRequest(std::move(self->request_))) return HPE_PAUSED;
  return 0;
}

void Http1Codec::EncodeResponse(const http::Response& response, bool head, bool keep_alive,
                                bool http10, std::string* out) {
  const int status = response.status;
  const bool bodyless = status < 200 || status == 204 || status == 304;
  absl::StrAppend(out, "HTTP/1.1 ", status, " ", http::ReasonPhrase(status),
                  "\r\nServer: data-bridge\r\nDate: ", http::HttpDate(), "\r\n");
  if (!response.content_type.empty()) {
    absl::StrAppend(out, "Content-Type: ", response.content_type, "\r\n");
  }
  for (const auto& [name, value] : response.headers.entries()) {
    // Never let a handler's header split the response (CR/LF injection).
    if (!http::IsSafeFieldText(name) || !http::IsSafeFieldText(value) || name == "content-length" ||
        name == "transfer-encoding" || name == "connection") {
      continue;
    }
    absl::StrAppend(out, name, ": ", value, "\r\n");
  }
  // A streamed body is chunked even on a closing connection, so a client can tell a body
  // cut short from a complete one; only HTTP/1.0 has no chunks and reads to the close.
  const bool chunked = response.streaming && !http10 && response.length < 0;
  if (chunked && !bodyless) {
    out->append("Transfer-Encoding: chunked\r\n");
  } else if (!response.streaming && !bodyless) {
    absl::StrAppend(out, "Content-Length: ", response.body.size(), "\r\n");
  } else if (response.length >= 0 && !bodyless) {
    absl::StrAppend(out, "Content-Length: ", response.length, "\r\n");
  }
  if (!keep_alive || response.close) out->append("Connection: close\r\n");
  out->append("\r\n");
  if (head || bodyless) return;
  if (chunked) {
    AppendChunk(response.body, out);
  } else {
    out->append(response.body);
  }
}

void AppendChunk(absl::string_view data, std::string* out) {
  if (data.empty()) return;  // a zero-size chunk would end the body
  absl::StrAppend(out, absl::Hex(data.size()), "\r\n");
  out->append(data.data(), data.size());
  out->append("\r\n");
}

}  // namespace databridge::http1
