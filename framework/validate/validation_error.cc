#include "framework/validate/validation_error.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "framework/json/json_escape.h"

namespace databridge::validate {

using json::JsonString;

Location::Location(std::initializer_list<absl::string_view> keys) {
  for (absl::string_view k : keys) PushKey(k);
}

std::vector<LocPart> Location::Parts() const {
  std::vector<LocPart> out;
  out.reserve(parts_.size());
  for (const Part& p : parts_) out.push_back(LocPart{std::string(p.key), p.index, p.is_index});
  return out;
}

std::string LocJson(const std::vector<LocPart>& loc) {
  std::string out = "[";
  for (size_t i = 0; i < loc.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (loc[i].is_index) {
      absl::StrAppend(&out, loc[i].index);
    } else {
      json::AppendJsonString(loc[i].key, &out);
    }
  }
  out.push_back(']');
  return out;
}

std::string FieldPath(const std::vector<LocPart>& loc) {
  std::string out;
  for (const LocPart& part : loc) {
    if (part.is_index) {
      absl::StrAppend(&out, "[", part.index, "]");
    } else {
      absl::StrAppend(&out, out.empty() ? "" : ".", part.key);
    }
  }
  return out;
}

void AddError(const Location& loc, absl::string_view type, absl::string_view msg,
              std::string input_json, Errors* errors, std::string ctx_json) {
  errors->push_back(ValidationError{loc.Parts(), std::string(type), std::string(msg),
                                    std::move(input_json), std::move(ctx_json)});
}

std::string ErrorsJson(const Errors& errors) {
  std::string out = "[";
  for (size_t i = 0; i < errors.size(); ++i) {
    const ValidationError& e = errors[i];
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "{\"type\":", JsonString(e.type), ",\"loc\":", LocJson(e.loc),
                    ",\"msg\":", JsonString(e.msg), ",\"input\":", e.input_json);
    if (!e.ctx_json.empty()) absl::StrAppend(&out, ",\"ctx\":", e.ctx_json);
    out.push_back('}');
  }
  out += "]";
  return out;
}

}  // namespace databridge::validate
