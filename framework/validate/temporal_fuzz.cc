// Fuzz target: the temporal parsers (temporal.h). The input's first byte picks the kind and
// whether the rest is text or an 8-byte number (int or double); every accepted value is a
// real calendar value (month, day in range for the month, time of day, offset under 24 h)
// or a normalized timedelta in Python's range, every refusal names a pydantic error type
// and, for a parsing error, its ctx error.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "framework/validate/temporal.h"

using databridge::validate::Temporal;
using databridge::validate::TemporalFailure;
using databridge::validate::TemporalKind;

namespace {

bool Leap(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

void CheckValue(TemporalKind kind, const Temporal& t) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (kind == TemporalKind::kTimeDelta) {  // Python's timedelta range, normalized
    if (t.days < 0 || t.days > 999999999 || t.seconds < 0 || t.seconds >= 86400 ||
        t.microsecond < 0 || t.microsecond > 999999) {
      std::abort();
    }
    return;
  }
  if (kind != TemporalKind::kTime) {
    if (t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12 || t.day < 1) std::abort();
    if (t.day > kDays[t.month - 1] + (t.month == 2 && Leap(t.year) ? 1 : 0)) std::abort();
  }
  if (t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59 || t.second < 0 || t.second > 59 ||
      t.microsecond < 0 || t.microsecond > 999999) {
    std::abort();
  }
  if (kind == TemporalKind::kDate && (t.hour || t.minute || t.second || t.microsecond)) {
    std::abort();
  }
  if (t.has_offset && (t.offset_seconds <= -86400 || t.offset_seconds >= 86400)) std::abort();
}

void CheckFailure(const TemporalFailure& why) {
  if (why.type == nullptr || why.type[0] == '\0' || why.message.empty()) std::abort();
  const bool parsing = std::strstr(why.type, "parsing") != nullptr;
  if (parsing != !why.error.empty()) std::abort();
  if (parsing && why.message.find(why.error) == std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const TemporalKind kind = static_cast<TemporalKind>(data[0] % 4);
  const int how = data[0] / 4 % 3;
  Temporal t;
  TemporalFailure why;
  bool ok;
  if (how == 0 || size < 9) {
    ok = databridge::validate::TemporalFromText(
        kind, absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), &t, &why);
  } else if (how == 1) {
    int64_t v;
    std::memcpy(&v, data + 1, sizeof v);
    ok = databridge::validate::TemporalFromInt(kind, v, &t, &why);
  } else {
    double v;
    std::memcpy(&v, data + 1, sizeof v);
    if (!std::isfinite(v)) return 0;  // JSON has no NaN or infinities
    ok = databridge::validate::TemporalFromFloat(kind, v, &t, &why);
  }
  if (ok) {
    CheckValue(kind, t);
  } else {
    CheckFailure(why);
  }
  return 0;
}
