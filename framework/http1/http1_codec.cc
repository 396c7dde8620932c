#include "framework/http1/http1_codec.h"

#include <climits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "framework/base/error_kind.h"
#include "framework/http/status_line.h"

namespace databridge::http1 {
namespace {

Http1Codec* Self(http_parser* p) { return static_cast<Http1Codec*>(p->data); }

bool SafeHeaderText(absl::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

}  // namespace

Http1Codec::Http1Codec(const http::Limits& limits, http::ServerCodecCallbacks* callbacks)
    : limits_(limits), callbacks_(callbacks) {
  http_parser_settings_init(&settings_);
  settings_.on_message_begin = &OnMessageBegin;
  settings_.on_url = &OnUrl;
  settings_.on_header_field = &OnHeaderField;
  settings_.on_header_value = &OnHeaderValue;
  settings_.on_headers_complete = &OnHeadersComplete;
  settings_.on_body = &OnBody;
  settings_.on_message_complete = &OnMessageComplete;
  Reset();
}

void Http1Codec::Reset() {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

absl::StatusOr<size_t> Http1Codec::Feed(absl::string_view data) {
  if (!error_.ok()) return error_;
  size_t used = http_parser_execute(&parser_, &settings_, data.data(), data.size());
  http_errno err = HTTP_PARSER_ERRNO(&parser_);
  if (err == HPE_PAUSED) {
    http_parser_pause(&parser_, 0);
    return used;
  }
  if (err != HPE_OK) {
    if (error_.ok()) {
      ErrorKind kind =
          err == HPE_HEADER_OVERFLOW ? ErrorKind::kHeaderTooLarge : ErrorKind::kBadRequest;
      error_ = MakeError(kind, absl::StrCat("malformed request: ", http_errno_name(err)));
    }
    return error_;
  }
  if (parser_.upgrade) {
    // An Upgrade we do not take (RFC 9110 section 7.8 lets the server ignore it): the
    // request was answered as plain HTTP/1.1; keep parsing what follows as HTTP/1.1.
    Reset();
    if (used < data.size()) {
      auto more = Feed(data.substr(used));
      if (!more.ok()) return more;
      used += *more;
    }
  }
  return used;
}

int Http1Codec::Fail(absl::Status status) {
  error_ = std::move(status);
  return -1;
}

int Http1Codec::OnMessageBegin(http_parser* p) {
  Http1Codec* self = Self(p);
  self->request_ = http::Request();
  self->field_.clear();
  self->value_.clear();
  self->in_value_ = false;
  self->header_bytes_ = 0;
  self->in_request_ = true;
  self->callbacks_->OnRequestStart();
  return 0;
}

int Http1Codec::OnUrl(http_parser* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  if (self->request_.target.size() + len > self->limits_.max_request_line) {
    return self->Fail(MakeError(ErrorKind::kUriTooLong, "request-target too long"));
  }
  self->request_.target.append(at, len);
  return 0;
}

void Http1Codec::CommitHeader() {
  if (!field_.empty()) request_.headers.Add(field_, value_);
  field_.clear();
  value_.clear();
}

int Http1Codec::OnHeaderField(http_parser* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  if (self->in_value_) {
    self->CommitHeader();
    self->in_value_ = false;
    if (self->request_.headers.size() >= self->limits_.max_headers) {
      return self->Fail(MakeError(ErrorKind::kHeaderTooLarge, "too many header fields"));
    }
  }
  self->header_bytes_ += len;
  if (self->header_bytes_ > self->limits_.max_header_bytes) {
    return self->Fail(MakeError(ErrorKind::kHeaderTooLarge, "header section too large"));
  }
  self->field_.append(at, len);
  return 0;
}

int Http1Codec::OnHeaderValue(http_parser* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  self->in_value_ = true;
  self->header_bytes_ += len;
  if (self->header_bytes_ > self->limits_.max_header_bytes) {
    return self->Fail(MakeError(ErrorKind::kHeaderTooLarge, "header section too large"));
  }
  self->value_.append(at, len);
  return 0;
}

int Http1Codec::OnHeadersComplete(http_parser* p) {
  Http1Codec* self = Self(p);
  if (self->in_value_) self->CommitHeader();
  if (self->request_.headers.size() > self->limits_.max_headers) {
    return self->Fail(MakeError(ErrorKind::kHeaderTooLarge, "too many header fields"));
  }
  http::Request& req = self->request_;
  req.method = http_method_str(static_cast<http_method>(p->method));
  req.is_head = p->method == HTTP_HEAD;
  req.version_minor = p->http_minor;
  if (p->http_major != 1) {
    return self->Fail(MakeError(ErrorKind::kBadRequest, "unsupported HTTP version"));
  }

  // Split the request-target (origin-form, or absolute-form per RFC 9112 section 3.2.2).
  absl::string_view target = req.target;
  if (!target.empty() && target[0] != '/' && target != "*") {
    http_parser_url url;
    http_parser_url_init(&url);
    if (http_parser_parse_url(target.data(), target.size(), 0, &url) != 0) {
      return self->Fail(MakeError(ErrorKind::kBadRequest, "malformed request-target"));
    }
    absl::string_view path =
        (url.field_set & (1 << UF_PATH))
            ? target.substr(url.field_data[UF_PATH].off, url.field_data[UF_PATH].len)
            : absl::string_view("/");
    absl::string_view query =
        (url.field_set & (1 << UF_QUERY))
            ? target.substr(url.field_data[UF_QUERY].off, url.field_data[UF_QUERY].len)
            : absl::string_view();
    req.path = std::string(path);
    req.query = std::string(query);
  } else {
    size_t hash = target.find('#');
    if (hash != absl::string_view::npos) target = target.substr(0, hash);
    size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != absl::string_view::npos) req.query = std::string(target.substr(q + 1));
  }

  const bool chunked = (p->flags & F_CHUNKED) != 0;
  const bool has_length = !chunked && p->content_length != ULLONG_MAX;
  if (has_length && p->content_length > self->limits_.max_body_bytes) {
    return self->Fail(MakeError(ErrorKind::kPayloadTooLarge, "request body too large"));
  }
  if (has_length) req.body.reserve(p->content_length);

  absl::string_view expect = req.headers.Get("expect");
  if (!expect.empty() && p->http_minor >= 1 && absl::EqualsIgnoreCase(expect, "100-continue") &&
      (chunked || (has_length && p->content_length > 0))) {
    self->callbacks_->OnContinue();
  }
  return 0;
}

int Http1Codec::OnBody(http_parser* p, const char* at, size_t len) {
  Http1Codec* self = Self(p);
  if (self->request_.body.size() + len > self->limits_.max_body_bytes) {
    return self->Fail(MakeError(ErrorKind::kPayloadTooLarge, "request body too large"));
  }
  self->request_.body.append(at, len);
  return 0;
}

int Http1Codec::OnMessageComplete(http_parser* p) {
  Http1Codec* self = Self(p);
  self->request_.keep_alive = http_should_keep_alive(p) != 0;
  self->in_request_ = false;
  if (!self->callbacks_->OnRequest(std::move(self->request_))) {
    http_parser_pause(p, 1);
  }
  return 0;
}

void Http1Codec::EncodeResponse(const http::Response& response, bool head, bool keep_alive,
                                std::string* out) {
  const int status = response.status;
  const bool bodyless = status < 200 || status == 204 || status == 304;
  absl::StrAppend(out, "HTTP/1.1 ", status, " ", http::ReasonPhrase(status),
                  "\r\nServer: data-bridge\r\nDate: ", http::HttpDate(), "\r\n");
  if (!response.content_type.empty()) {
    absl::StrAppend(out, "Content-Type: ", response.content_type, "\r\n");
  }
  for (const auto& [name, value] : response.headers.entries()) {
    // Never let a handler's header split the response (CR/LF injection).
    if (!SafeHeaderText(name) || !SafeHeaderText(value) || name == "content-length" ||
        name == "transfer-encoding" || name == "connection") {
      continue;
    }
    absl::StrAppend(out, name, ": ", value, "\r\n");
  }
  const bool chunked = response.streaming && keep_alive && !response.close;
  if (chunked && !bodyless) {
    out->append("Transfer-Encoding: chunked\r\n");
  } else if (!response.streaming && !bodyless) {
    absl::StrAppend(out, "Content-Length: ", response.body.size(), "\r\n");
  }  // a streamed body without chunks lasts until the connection closes
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
