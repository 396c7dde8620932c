#include "framework/http/message.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace databridge::http {

bool IsSafeFieldText(absl::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

void HeaderMap::Add(absl::string_view name, absl::string_view value) {
  entries_.emplace_back(absl::AsciiStrToLower(name), std::string(value));
}

void HeaderMap::Set(absl::string_view name, absl::string_view value) {
  std::string lower = absl::AsciiStrToLower(name);
  std::string copy(value);  // `value` may point into an entry erased below
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const auto& e) { return e.first == lower; }),
                 entries_.end());
  entries_.emplace_back(std::move(lower), std::move(copy));
}

absl::string_view HeaderMap::Get(absl::string_view lower_name) const {
  for (const auto& [name, value] : entries_) {
    if (name == lower_name) return value;
  }
  return {};
}

bool HeaderMap::Has(absl::string_view lower_name) const {
  for (const auto& entry : entries_) {
    if (entry.first == lower_name) return true;
  }
  return false;
}

void AddVary(HeaderMap* headers, absl::string_view value) {
  std::string vary;
  for (const auto& [name, v] : headers->entries()) {
    if (name == "vary") absl::StrAppend(&vary, vary.empty() ? "" : ", ", v);
  }
  headers->Set("vary", vary.empty() ? std::string(value) : absl::StrCat(vary, ", ", value));
}

}  // namespace databridge::http
