#include "framework/server/multipart_form.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "framework/base/error_kind.h"

namespace databridge::server {

namespace {

absl::Status BadRequest(absl::string_view message) {
  return MakeError(ErrorKind::kBadRequest, message);
}

}  // namespace

// Collects the parts as Starlette's MultiPartParser does, with its checks, spooling a file
// part's content to disk once it outgrows limits.spool_bytes.
class MultipartBody::Collector : public http::MultipartParser::Sink {
 public:
  explicit Collector(const MultipartLimits& limits) : limits_(limits) {}

  absl::Status OnPartBegin(const http::PartHead& head) override {
    if (!head.name) {
      return Refuse("The Content-Disposition header field \"name\" must be provided.");
    }
    part_ = FilePart{*head.name, head.filename, head.headers, "", nullptr};
    if (head.filename) {
      if (++files_ > limits_.max_files) {
        return Refuse(
            absl::StrCat("Too many files. Maximum number of files is ", limits_.max_files, "."));
      }
    } else if (++fields_ > limits_.max_fields) {
      return Refuse(
          absl::StrCat("Too many fields. Maximum number of fields is ", limits_.max_fields, "."));
    }
    return absl::OkStatus();
  }

  absl::Status OnPartData(absl::string_view data) override {
    if (part_.file) return Spool(data);
    if (!part_.filename) {
      if (part_.data.size() + data.size() > limits_.max_part_size) {
        return Refuse(
            absl::StrCat("Part exceeded maximum size of ", limits_.max_part_size / 1024, "KB."));
      }
    } else if (part_.data.size() + data.size() > limits_.spool_bytes) {
      absl::StatusOr<std::unique_ptr<TempFile>> file = TempFile::Create();
      if (!file.ok()) {
        spool_failed = true;
        return file.status();
      }
      part_.file = *std::move(file);
      absl::Status s = Spool(part_.data);
      std::string().swap(part_.data);
      return s.ok() ? Spool(data) : s;
    }
    part_.data.append(data.data(), data.size());
    return absl::OkStatus();
  }

  absl::Status OnPartEnd() override {
    form.is_file.push_back(part_.filename.has_value());
    if (part_.filename) {
      form.files.push_back(std::move(part_));
    } else {
      form.fields.emplace_back(std::move(part_.name), std::move(part_.data));
    }
    part_ = FilePart();
    return absl::OkStatus();
  }

  MultipartForm form;
  bool refused = false;       // a check of Starlette's failed (not the framing)
  bool spool_failed = false;  // the server's fault, not the body's

 private:
  absl::Status Spool(absl::string_view data) {
    absl::Status s = part_.file->Write(data);
    if (!s.ok()) spool_failed = true;
    return s;
  }

  absl::Status Refuse(absl::string_view message) {
    refused = true;
    return BadRequest(message);
  }

  const MultipartLimits limits_;
  FilePart part_;
  size_t files_ = 0;
  size_t fields_ = 0;
};

namespace {

bool HasMediaType(absl::string_view content_type, absl::string_view media_type) {
  absl::string_view media = content_type.substr(0, content_type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media), media_type);
}

}  // namespace

bool IsMultipartMediaType(absl::string_view content_type) {
  return HasMediaType(content_type, "multipart/form-data");
}

bool IsFormMediaType(absl::string_view content_type) {
  return HasMediaType(content_type, "application/x-www-form-urlencoded");
}

MultipartBody::MultipartBody(absl::string_view content_type, const MultipartLimits& limits)
    : collector_(std::make_unique<Collector>(limits)) {
  std::optional<std::string> boundary = http::MultipartBoundary(content_type);
  if (!boundary) {
    status_ = BadRequest("Missing boundary in multipart.");
    return;
  }
  parser_ = std::make_unique<http::MultipartParser>(*boundary, collector_.get());
}

MultipartBody::~MultipartBody() = default;

absl::Status MultipartBody::Write(absl::string_view piece) {
  if (!status_.ok()) return absl::OkStatus();  // refused already: the rest is dropped
  absl::Status s = parser_->Feed(piece);
  if (s.ok()) return s;
  if (collector_->spool_failed) return s;  // not the client's fault: a 500
  // The collector's checks keep their words; the parser's are one.
  status_ = collector_->refused ? s : BadRequest("Invalid multipart data.");
  return absl::OkStatus();
}

const MultipartForm& MultipartBody::form() const { return collector_->form; }

MultipartForm MultipartBody::TakeForm() { return std::move(collector_->form); }

absl::StatusOr<MultipartForm> ReadMultipart(absl::string_view content_type, absl::string_view body,
                                            const MultipartLimits& limits) {
  MultipartBody reader(content_type, limits);
  if (absl::Status s = reader.Write(body); !s.ok()) return s;
  if (!reader.status().ok()) return reader.status();
  return reader.TakeForm();
}

}  // namespace databridge::server
