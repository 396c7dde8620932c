// Temporal: datetime, date and time values as pydantic v2 reads them in lax mode (the
// formats of its parser, speedate), from text and from JSON numbers, with pydantic's error
// types and speedate's messages (FastAPI's 422 contract).
//
//   Temporal t;
//   TemporalFailure why;
//   if (!TemporalFromText(TemporalKind::kDateTime, "2032-04-23T10:20:30+02:00", &t, &why)) {
//     // why.type == "datetime_from_date_parsing", why.message, why.error (ctx "error")
//   }
// Text: datetime `YYYY-MM-DD[T t _ space]HH:MM[:SS[.ffffff]][Z | ±HH[:]MM]` (fractions past
// six digits truncated), a date alone (midnight), or a unix timestamp ("1700000000.5";
// past 2e10 in milliseconds); date `YYYY-MM-DD`, a timestamp or a datetime at exactly
// midnight; time `HH:MM[:SS[.ffffff]]` with an optional offset; timedelta ISO 8601
// (`-P1DT2H3.5S`), `[-]N day[s][,] HH:MM[:SS[.f]]` or `HH:MM[:SS[.f]]`. Numbers:
// timestamps for datetime and date (UTC), seconds of the day for time (UTC), seconds for a
// timedelta. Pure functions: no GIL, no allocation unless a failure is reported.
#ifndef DATABRIDGE_FRAMEWORK_VALIDATE_TEMPORAL_H_
#define DATABRIDGE_FRAMEWORK_VALIDATE_TEMPORAL_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace databridge::validate {

enum class TemporalKind { kDateTime, kDate, kTime, kTimeDelta };

// The parts of a parsed value; a date has no time and no offset, a time no date. A
// timedelta is days, seconds (< 86400) and microsecond, negated when `negative`.
struct Temporal {
  int year = 1970, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0, microsecond = 0;
  bool has_offset = false;  // an aware value: UTC + offset_seconds
  int offset_seconds = 0;
  bool negative = false;
  int64_t days = 0;
  int seconds = 0;
};

// Why a value is refused: pydantic's error type and message, and its ctx "error" (empty:
// the error has no ctx).
struct TemporalFailure {
  const char* type = "";
  std::string message;
  std::string error;
};

bool TemporalFromText(TemporalKind kind, absl::string_view text, Temporal* out,
                      TemporalFailure* why);
bool TemporalFromInt(TemporalKind kind, int64_t value, Temporal* out, TemporalFailure* why);
bool TemporalFromFloat(TemporalKind kind, double value, Temporal* out, TemporalFailure* why);
// Any other input (null, list, object; a bool but for a timedelta): pydantic's type error.
TemporalFailure TemporalTypeError(TemporalKind kind);

}  // namespace databridge::validate

#endif  // DATABRIDGE_FRAMEWORK_VALIDATE_TEMPORAL_H_
