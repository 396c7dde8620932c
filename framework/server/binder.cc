#include "framework/server/binder.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "framework/base/error_kind.h"
#include "framework/http/codec.h"
#include "framework/http/url.h"
#include "framework/json/json_escape.h"
#include "framework/json/json_reader.h"
#include "framework/json/python_decode_error.h"
#include "framework/server/multipart_form.h"
#include "framework/validate/deferred_json.h"
#include "framework/validate/scalars.h"
#include "framework/validate/validator.h"

namespace databridge::server {

static_assert(http::kBodyPadding >= json::JsonReader::kPadding,
              "request bodies must keep the JSON parser's padding");

using validate::Location;
using validate::Value;

namespace {
// The media type of a Content-Type value, parameters and spaces dropped.
absl::string_view MediaType(absl::string_view content_type) {
  return absl::StripAsciiWhitespace(content_type.substr(0, content_type.find(';')));
}
}  // namespace

bool IsJsonMediaType(absl::string_view content_type) {
  absl::string_view media = MediaType(content_type);
  return absl::EqualsIgnoreCase(media, "application/json") ||
         (absl::StartsWithIgnoreCase(media, "application/") &&
          absl::EndsWithIgnoreCase(media, "+json"));
}

namespace {

const char* SourceName(ParamSource s) {
  switch (s) {
    case ParamSource::kPath:
      return "path";
    case ParamSource::kQuery:
      return "query";
    case ParamSource::kHeader:
      return "header";
    case ParamSource::kCookie:
      return "cookie";
    case ParamSource::kBody:
      return "body";
    case ParamSource::kRequest:
      return "request";
  }
  return "";
}

bool IsFileKind(validate::TypeKind kind) {
  return kind == validate::TypeKind::kFile || kind == validate::TypeKind::kFileBytes;
}

// A file field (UploadFile or File() bytes, or a list of them) from a multipart body's
// parts named `key`: the last one, or all for a list; kMissing when none.
Value BindFiles(const validate::TypeSpec& type, absl::string_view key, const MultipartForm& form,
                Location& loc, validate::Errors* errors) {
  const bool list = type.kind == validate::TypeKind::kList;
  const validate::TypeSpec& item = list ? *type.items : type;
  std::vector<Value> got;
  for (const FilePart& part : form.files) {
    if (part.name != key) continue;
    got.push_back(FilePartValue(part));
  }
  for (const auto& field : form.fields) {
    const std::string& value = field.second;  // named: lambdas may not capture bindings
    if (field.first != key) continue;
    if (item.kind == validate::TypeKind::kFile) {  // text where a file was wanted
      if (list) loc.PushIndex(got.size());
      validate::ReportNotUpload([&] { return json::JsonString(value); }, loc, errors);
      if (list) loc.Pop();
      return Value();
    }
    got.push_back(Value::String(value));
  }
  if (got.empty()) return Value();
  if (!list) return std::move(got.back());
  Value v = Value::Of(Value::Kind::kList);
  v.items = std::move(got);
  return v;
}

}  // namespace

Value FilePartValue(const FilePart& part) {
  Value f = Value::Of(Value::Kind::kFile);
  f.s = part.data;
  f.held = part.file;
  f.b = part.filename.has_value();
  f.keys.push_back(part.filename.value_or(""));
  for (const auto& [name, value] : part.headers) {
    f.keys.push_back(name);
    f.keys.push_back(value);
  }
  return f;
}

namespace {

// A form body (application/x-www-form-urlencoded, or multipart/form-data with files) fills
// a flat object: each field from its (repeated) key, typed and checked as a query parameter
// would be, file fields from the parts; locations stay ["body", field]. `streamed`: the
// multipart body as it was read while it arrived (then `body` is empty).
Value BindForm(const ParamSpec& p, absl::string_view content_type, absl::string_view body,
               const MultipartBody* streamed, BindResult* out) {
  const validate::TypeSpec& spec = *p.type;
  if (spec.kind != validate::TypeKind::kObject) {
    out->status = MakeError(ErrorKind::kUnsupportedMediaType,
                            "this endpoint's body is not a flat object: send application/json");
    return Value();
  }
  MultipartForm read;
  const MultipartForm* parts = &read;
  if (streamed != nullptr) {
    if (!streamed->status().ok()) {
      out->status = streamed->status();
      return Value();
    }
    parts = &streamed->form();
  } else if (!body.empty() && IsMultipartMediaType(content_type)) {
    absl::StatusOr<MultipartForm> whole = ReadMultipart(content_type, body);
    if (!whole.ok()) {
      out->status = whole.status();
      return Value();
    }
    read = *std::move(whole);
  } else {
    read.fields = http::ParseQuery(body);
  }
  const MultipartForm& form = *parts;
  const http::QueryPairs& pairs = form.fields;
  Value v = Value::Of(Value::Kind::kObject);
  size_t before = out->errors.size();
  std::vector<absl::string_view> texts;
  for (const validate::Field& f : spec.fields) {
    Location loc({"body", f.key});
    const validate::TypeSpec& t = *f.type;
    if (IsFileKind(t.kind) || (t.kind == validate::TypeKind::kList && IsFileKind(t.items->kind))) {
      size_t errors_before = out->errors.size();
      Value files = BindFiles(t, f.key, form, loc, &out->errors);
      if (files.kind == Value::Kind::kMissing && f.required &&
          out->errors.size() == errors_before) {
        validate::AddError(loc, "missing", "Field required", "null", &out->errors);
      }
      v.items.push_back(std::move(files));
      continue;
    }
    texts.clear();
    for (const auto& [key, value] : pairs) {
      if (key == f.key) texts.push_back(value);
    }
    if (texts.empty() && !f.alt_key.empty()) {  // read by name too (validate_by_name)
      for (const auto& [key, value] : pairs) {
        if (key == f.alt_key) texts.push_back(value);
      }
      if (!texts.empty()) loc = Location({"body", f.alt_key});
    }
    if (texts.empty()) {
      if (f.required) validate::AddError(loc, "missing", "Field required", "null", &out->errors);
      v.items.emplace_back();
      continue;
    }
    v.items.push_back(validate::ValidateTexts(*f.type, texts, loc, &out->errors));
  }
  if (out->errors.size() != before) return Value();
  return v;
}

// The keys of an embedded body (ParamSpec::embedded) from `root` (nullptr: no body or null).
Value BindEmbedded(const ParamSpec& p, const simdjson::dom::element* root, BindResult* out) {
  const validate::TypeSpec& spec = *p.type;
  if (spec.kind != validate::TypeKind::kObject) {  // Python reads the keys: the JSON itself
    return root == nullptr ? Value::Null() : validate::JsonAny(*root);
  }
  const bool object = root == nullptr || root->type() == simdjson::dom::element_type::OBJECT;
  Value v = Value::Of(Value::Kind::kObject);
  v.items.reserve(spec.fields.size());
  size_t before = out->errors.size();
  for (const validate::Field& f : spec.fields) {
    Location loc({"body", f.key});
    simdjson::dom::element child;
    bool present = object && root != nullptr &&
                   root->get_object().value_unsafe().at_key(f.key).get(child) == simdjson::SUCCESS;
    if (present) {
      v.items.push_back(validate::ValidateJson(*f.type, child, loc, &out->errors));
      continue;
    }
    if (!object || f.required) {
      validate::AddError(loc, "missing", "Field required", "null", &out->errors);
    }
    v.items.emplace_back();
  }
  if (out->errors.size() != before) return Value();
  return v;
}

// `fastapi_errors`: Endpoint::fastapi_errors.
Value BindBody(const ParamSpec& p, const http::Request& request, const Endpoint& endpoint,
               BindResult* out) {
  const bool fastapi_errors = endpoint.fastapi_errors;
  Location loc({"body"});
  absl::string_view content_type = request.headers.Get("content-type");
  const bool form = IsFormMediaType(content_type) || IsMultipartMediaType(content_type);
  const auto* streamed = dynamic_cast<const MultipartBody*>(request.body_sink.get());
  if (p.form_or_empty) {  // FastAPI reads any other body as an empty form
    return BindForm(p, content_type, form ? request.body : absl::string_view(), streamed, out);
  }
  if (request.body.empty() && streamed == nullptr) {
    if (p.embedded) return BindEmbedded(p, nullptr, out);
    if (p.required) validate::AddError(loc, "missing", "Field required", "null", &out->errors);
    return Value();
  }
  if (p.accepts_form && form) return BindForm(p, content_type, request.body, streamed, out);
  const bool json_type = content_type.empty() ? !(fastapi_errors && endpoint.strict_content_type)
                                              : IsJsonMediaType(content_type);
  if (fastapi_errors && p.accepts_json && !json_type &&
      simdjson::validate_utf8(request.body.data(), request.body.size())) {
    // FastAPI validates a body it does not read as JSON as it is: here, as its text.
    const std::string text = json::JsonString(request.body);
    auto root = json::JsonReader::ForThisThread().Parse(text);
    if (root.ok()) {
      simdjson::dom::element body = *root;
      if (p.embedded) return BindEmbedded(p, &body, out);
      return validate::ValidateJson(*p.type, body, loc, &out->errors);
    }
  }
  if (!p.accepts_json || (!content_type.empty() && !IsJsonMediaType(content_type))) {
    out->status =
        MakeError(ErrorKind::kUnsupportedMediaType,
                  absl::StrCat("Unsupported media type '", content_type, "': this endpoint reads ",
                               p.accepts_json && p.accepts_form
                                   ? "application/json or application/x-www-form-urlencoded"
                               : p.accepts_json ? "application/json"
                                                : "application/x-www-form-urlencoded"));
    return Value();
  }
  // Interpreted types are checked here and built from the document later (no Value tree):
  // the document is the request's own.
  const bool compiled = p.compiled != nullptr && p.compiled->decode_json != nullptr;
  const bool deferred = !p.embedded && !compiled;
  std::unique_ptr<simdjson::dom::document> document;
  if (deferred) document = std::make_unique<simdjson::dom::document>();
  json::JsonReader& reader = json::JsonReader::ForThisThread();
  auto root =
      deferred ? reader.ParseInto(*document, request.body) : reader.ParseInPlace(request.body);
  if (!root.ok()) {  // answered as FastAPI answers what Python's json.loads refuses
    json::PythonJsonError why = json::PythonDecodeError(request.body);
    if ((!why.utf8 || why.too_deep) && fastapi_errors) {  // no JSONDecodeError: FastAPI's 400
      out->status = MakeError(ErrorKind::kBadRequest, "There was an error parsing the body");
      return Value();
    }
    if (!why.utf8) why.message = "invalid UTF-8";
    loc.PushIndex(why.position);
    validate::AddError(
        loc, "json_invalid", "JSON decode error", "{}", &out->errors,
        absl::StrCat("{\"error\":",
                     json::JsonString(why.message.empty() ? root.status().message() : why.message),
                     "}"));
    return Value();
  }
  if (p.embedded) {
    simdjson::dom::element body = *root;
    bool null = body.type() == simdjson::dom::element_type::NULL_VALUE;
    return BindEmbedded(p, null && p.type->kind == validate::TypeKind::kObject ? nullptr : &body,
                        out);
  }
  std::unique_ptr<validate::CompiledValue> decoded;
  if (compiled) {
    decoded = p.compiled->decode_json(*root, loc, &out->errors);
  } else if (validate::CheckJson(*p.type, *root, loc, &out->errors)) {
    decoded = std::make_unique<validate::DeferredJson>(std::move(*document), p.type);
  }
  if (decoded == nullptr) return Value();
  Value v = Value::Of(Value::Kind::kCompiled);
  v.held = std::move(decoded);
  return v;
}

// Which parameters the errors are about: a body parameter by ["body", ...], any other by
// [source, key].
void MarkFailed(const Endpoint& endpoint, BindResult* out) {
  out->failed.assign(endpoint.params.size(), false);
  for (const validate::ValidationError& e : out->errors) {
    if (e.loc.empty() || e.loc[0].is_index) continue;
    for (size_t i = 0; i < endpoint.params.size(); ++i) {
      const ParamSpec& p = endpoint.params[i];
      if (p.source == ParamSource::kRequest || e.loc[0].key != SourceName(p.source)) continue;
      if (p.source == ParamSource::kBody ||
          (e.loc.size() > 1 && !e.loc[1].is_index && e.loc[1].key == p.key)) {
        out->failed[i] = true;
      }
    }
  }
}

}  // namespace

BindResult Bind(const Endpoint& endpoint, const http::Request& request,
                const std::vector<std::pair<std::string, std::string>>& path_params) {
  BindResult out;
  out.args.reserve(endpoint.params.size());
  http::QueryPairs query;
  bool query_parsed = false;
  std::vector<absl::string_view> texts;
  for (const ParamSpec& p : endpoint.params) {
    texts.clear();
    switch (p.source) {
      case ParamSource::kRequest:
        out.args.emplace_back();
        continue;
      case ParamSource::kBody:
        out.args.push_back(BindBody(p, request, endpoint, &out));
        if (!out.status.ok()) return out;
        continue;
      case ParamSource::kPath:
        for (const auto& [name, value] : path_params) {
          if (name == p.key) texts.push_back(value);
        }
        break;
      case ParamSource::kQuery:
        if (!query_parsed) {
          query = http::ParseQuery(request.query);
          query_parsed = true;
        }
        for (const auto& [key, value] : query) {
          if (key == p.key) texts.push_back(value);
        }
        break;
      case ParamSource::kHeader:
        for (const auto& [name, value] : request.headers.entries()) {
          if (name == p.key) texts.push_back(value);
        }
        break;
      case ParamSource::kCookie:
        // RFC 6265 section 5.4: "a=1; b=2", possibly over several Cookie fields (HTTP/2).
        for (const auto& [name, value] : request.headers.entries()) {
          if (name != "cookie") continue;
          for (absl::string_view pair : absl::StrSplit(value, ';')) {
            pair = absl::StripAsciiWhitespace(pair);
            size_t eq = pair.find('=');
            if (eq != absl::string_view::npos && pair.substr(0, eq) == p.key) {
              texts.push_back(pair.substr(eq + 1));
            }
          }
        }
        break;
    }
    Location loc({SourceName(p.source), p.key});
    if (texts.empty()) {
      if (p.required) validate::AddError(loc, "missing", "Field required", "null", &out.errors);
      out.args.emplace_back();
      continue;
    }
    out.args.push_back(p.compiled != nullptr && p.compiled->decode_texts != nullptr
                           ? p.compiled->decode_texts(texts, loc, &out.errors)
                           : validate::ValidateTexts(*p.type, texts, loc, &out.errors));
  }
  if (!out.errors.empty()) MarkFailed(endpoint, &out);
  return out;
}

}  // namespace databridge::server
