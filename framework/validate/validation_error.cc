#include "framework/validate/validation_error.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "framework/json/json_escape.h"

namespace databridge::validate {

using json::JsonString;

Location::Location(std::initializer_list<absl::string_view> keys) {
  for (absl::string_view k : keys) PushKey(k);
}

void Location::PushKey(absl::string_view key) { parts_.push_back(JsonString(key)); }

void Location::PushIndex(size_t index) { parts_.push_back(std::to_string(index)); }

std::string Location::ToJson() const { return absl::StrCat("[", absl::StrJoin(parts_, ","), "]"); }

void AddError(const Location& loc, absl::string_view type, absl::string_view msg,
              std::string input_json, Errors* errors, std::string ctx_json) {
  errors->push_back(ValidationError{loc.ToJson(), std::string(type), std::string(msg),
                                    std::move(input_json), std::move(ctx_json)});
}

std::string ErrorsToJson(const Errors& errors) {
  std::string out = "{\"detail\":[";
  for (size_t i = 0; i < errors.size(); ++i) {
    const ValidationError& e = errors[i];
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "{\"type\":", JsonString(e.type), ",\"loc\":", e.loc_json,
                    ",\"msg\":", JsonString(e.msg), ",\"input\":", e.input_json);
    if (!e.ctx_json.empty()) absl::StrAppend(&out, ",\"ctx\":", e.ctx_json);
    out.push_back('}');
  }
  out += "]}";
  return out;
}

}  // namespace databridge::validate
