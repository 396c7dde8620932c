#include "framework/validate/validation_error.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "framework/json/json_escape.h"

namespace databridge::validate {

using json::JsonString;

Location::Location(std::initializer_list<absl::string_view> keys) {
  for (absl::string_view k : keys) PushKey(k);
}

std::string Location::ToJson() const {
  std::string out = "[";
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (parts_[i].is_index) {
      absl::StrAppend(&out, parts_[i].index);
    } else {
      json::AppendJsonString(parts_[i].key, &out);
    }
  }
  out.push_back(']');
  return out;
}

void AddError(const Location& loc, absl::string_view type, absl::string_view msg,
              std::string input_json, Errors* errors, std::string ctx_json) {
  errors->push_back(ValidationError{loc.ToJson(), std::string(type), std::string(msg),
                                    std::move(input_json), std::move(ctx_json)});
}

std::string ErrorsJson(const Errors& errors) {
  std::string out = "[";
  for (size_t i = 0; i < errors.size(); ++i) {
    const ValidationError& e = errors[i];
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "{\"type\":", JsonString(e.type), ",\"loc\":", e.loc_json,
                    ",\"msg\":", JsonString(e.msg), ",\"input\":", e.input_json);
    if (!e.ctx_json.empty()) absl::StrAppend(&out, ",\"ctx\":", e.ctx_json);
    out.push_back('}');
  }
  out += "]";
  return out;
}

}  // namespace databridge::validate
