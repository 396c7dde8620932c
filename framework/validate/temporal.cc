#include "framework/validate/temporal.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"

namespace databridge::validate {

namespace {

// What went wrong, as speedate (or Python's datetime, for year 0) words it.
enum class Err {
  kNone,
  kTooShort,
  kExtra,
  kDateTimeSep,
  kDateSep,
  kNotExact,
  kYear,
  kMonth,
  kDay,
  kTimeSep,
  kHour,
  kMinute,
  kSecond,
  kTzSign,
  kTzHour,
  kTzMinute,
  kTzMinuteRange,
  kTzRange,
  kMonthRange,
  kDayRange,
  kHourRange,
  kMinuteRange,
  kSecondRange,
  kFractionMissing,
  kTooSmall,
  kTooLarge,
  kTimeTooLarge,
  kTimeNegative,
  kYearZero,
  kDurationNumber,
  kDurationTRepeated,
  kDurationFraction,
  kDurationTimeUnit,
  kDurationDateUnit,
  kDurationDays,
  kDurationValueTooLarge,
  kDurationDaysTooLarge,
  kDurationHoursTooLarge,
};

const char* Message(Err e) {
  switch (e) {
    case Err::kNone:
      return "";
    case Err::kTooShort:
      return "input is too short";
    case Err::kExtra:
      return "unexpected extra characters at the end of the input";
    case Err::kDateTimeSep:
      return "invalid datetime separator, expected `T`, `t`, `_` or space";
    case Err::kDateSep:
      return "invalid date separator, expected `-`";
    case Err::kNotExact:
      return "Timestamp is not an exact date";
    case Err::kYear:
      return "invalid character in year";
    case Err::kMonth:
      return "invalid character in month";
    case Err::kDay:
      return "invalid character in day";
    case Err::kTimeSep:
      return "invalid time separator, expected `:`";
    case Err::kHour:
      return "invalid character in hour";
    case Err::kMinute:
      return "invalid character in minute";
    case Err::kSecond:
      return "invalid character in second";
    case Err::kTzSign:
      return "invalid timezone sign";
    case Err::kTzHour:
      return "invalid timezone hour";
    case Err::kTzMinute:
      return "invalid timezone minute";
    case Err::kTzMinuteRange:
      return "timezone minute value is outside expected range of 0-59";
    case Err::kTzRange:
      return "timezone offset must be less than 24 hours";
    case Err::kMonthRange:
      return "month value is outside expected range of 1-12";
    case Err::kDayRange:
      return "day value is outside expected range";
    case Err::kHourRange:
      return "hour value is outside expected range of 0-23";
    case Err::kMinuteRange:
      return "minute value is outside expected range of 0-59";
    case Err::kSecondRange:
      return "second value is outside expected range of 0-59";
    case Err::kFractionMissing:
      return "second fraction digits missing after `.`";
    case Err::kTooSmall:
      return "dates before 0000 are not supported as unix timestamps";
    case Err::kTooLarge:
      return "dates after 9999 are not supported as unix timestamps";
    case Err::kTimeTooLarge:
      return "numeric times may not exceed 86,399 seconds";
    case Err::kTimeNegative:
      return "time in seconds should be positive";
    case Err::kYearZero:
      return "year 0 is out of range";
    case Err::kDurationNumber:
      return "invalid digit in duration";
    case Err::kDurationTRepeated:
      return "`t` character repeated in duration";
    case Err::kDurationFraction:
      return "quantity fraction invalid in duration";
    case Err::kDurationTimeUnit:
      return "quantity invalid in time part of duration";
    case Err::kDurationDateUnit:
      return "quantity invalid in date part of duration";
    case Err::kDurationDays:
      return "\"day\" identifier in duration not correctly formatted";
    case Err::kDurationValueTooLarge:
      return "a numeric value in the duration is too large";
    case Err::kDurationDaysTooLarge:
      return "durations may not exceed 999,999,999 days";
    case Err::kDurationHoursTooLarge:
      return "durations may not exceed 999,999,999 hours";
  }
  return "";
}

// Past this absolute value a timestamp is in milliseconds.
constexpr int64_t kMsWatershed = 20'000'000'000;
constexpr int64_t kMinSeconds = -62'167'219'200;  // 0000-01-01T00:00:00
constexpr int64_t kMaxSeconds = 253'402'300'799;  // 9999-12-31T23:59:59

bool Digit(absl::string_view s, size_t i, int* d) {
  if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  *d = s[i] - '0';
  return true;
}

bool TwoDigits(absl::string_view s, size_t i, int* v) {
  int a, b;
  if (!Digit(s, i, &a) || !Digit(s, i + 1, &b)) return false;
  *v = a * 10 + b;
  return true;
}

bool Leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysIn(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && Leap(year) ? 29 : kDays[month - 1];
}

// YYYY-MM-DD at the start of `s` (what follows is the caller's).
Err DatePartial(absl::string_view s, Temporal* t) {
  if (s.size() < 10) return Err::kTooShort;
  int year = 0;
  for (size_t i = 0; i < 4; ++i) {
    int d;
    if (!Digit(s, i, &d)) return Err::kYear;
    year = year * 10 + d;
  }
  if (s[4] != '-') return Err::kDateSep;
  int month, day;
  if (!TwoDigits(s, 5, &month)) return Err::kMonth;
  if (s[7] != '-') return Err::kDateSep;
  if (!TwoDigits(s, 8, &day)) return Err::kDay;
  if (month < 1 || month > 12) return Err::kMonthRange;
  if (day < 1 || day > DaysIn(year, month)) return Err::kDayRange;
  t->year = year;
  t->month = month;
  t->day = day;
  return Err::kNone;
}

Err DateExact(absl::string_view s, Temporal* t) {
  Err e = DatePartial(s, t);
  if (e == Err::kNone && s.size() > 10) return Err::kExtra;
  return e;
}

// HH:MM[:SS[.ffffff]] from `at`; *end: where it stops. A duration's hours are not a time
// of day's (`of_day` false: any two digits).
Err TimePartial(absl::string_view s, size_t at, Temporal* t, size_t* end, bool of_day = true) {
  if (s.size() - at < 5) return Err::kTooShort;
  int hour, minute;
  if (!TwoDigits(s, at, &hour)) return Err::kHour;
  if (s[at + 2] != ':') return Err::kTimeSep;
  if (!TwoDigits(s, at + 3, &minute)) return Err::kMinute;
  if (of_day && hour > 23) return Err::kHourRange;
  if (minute > 59) return Err::kMinuteRange;
  t->hour = hour;
  t->minute = minute;
  t->second = 0;
  t->microsecond = 0;
  size_t pos = at + 5;
  if (pos < s.size() && s[pos] == ':') {
    int second;
    if (!TwoDigits(s, pos + 1, &second)) return Err::kSecond;
    if (second > 59) return Err::kSecondRange;
    t->second = second;
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int micro = 0, digits = 0, d;
      while (Digit(s, pos, &d)) {  // past six digits: truncated
        if (digits < 6) micro = micro * 10 + d;
        ++digits;
        ++pos;
      }
      if (digits == 0) return Err::kFractionMissing;
      for (int i = digits; i < 6; ++i) micro *= 10;
      t->microsecond = micro;
    }
  }
  *end = pos;
  return Err::kNone;
}

// An optional offset at *pos (Z, z, ±HH:MM, ±HHMM).
Err Offset(absl::string_view s, size_t* pos, Temporal* t) {
  size_t p = *pos;
  if (p >= s.size()) return Err::kNone;
  const char c = s[p];
  if (c == 'Z' || c == 'z') {
    t->has_offset = true;
    t->offset_seconds = 0;
    *pos = p + 1;
    return Err::kNone;
  }
  if (c != '+' && c != '-') return Err::kTzSign;
  int hours, minutes;
  if (!TwoDigits(s, p + 1, &hours)) return Err::kTzHour;
  p += 3;
  if (p < s.size() && s[p] == ':') ++p;
  if (!TwoDigits(s, p, &minutes)) return Err::kTzMinute;
  if (minutes > 59) return Err::kTzMinuteRange;
  const int total = hours * 3600 + minutes * 60;
  if (total >= 86400) return Err::kTzRange;
  t->has_offset = true;
  t->offset_seconds = c == '-' ? -total : total;
  *pos = p + 2;
  return Err::kNone;
}

Err TimeExact(absl::string_view s, Temporal* t) {
  size_t pos = 0;
  Err e = TimePartial(s, 0, t, &pos);
  if (e == Err::kNone) e = Offset(s, &pos, t);
  if (e == Err::kNone && pos < s.size()) e = Err::kExtra;
  return e;
}

Err DateTimeRfc3339(absl::string_view s, Temporal* t) {
  Err e = DatePartial(s, t);
  if (e != Err::kNone) return e;
  if (s.size() == 10) return Err::kDateTimeSep;
  const char sep = s[10];
  if (sep != 'T' && sep != 't' && sep != '_' && sep != ' ') return Err::kDateTimeSep;
  size_t pos = 0;
  e = TimePartial(s, 11, t, &pos);
  if (e == Err::kNone) e = Offset(s, &pos, t);
  if (e == Err::kNone && pos < s.size()) e = Err::kExtra;
  return e;
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm, proleptic Gregorian).
void CivilFromDays(int64_t z, Temporal* t) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  t->year = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  t->month = static_cast<int>(m);
  t->day = static_cast<int>(d);
}

// A UTC instant.
Err FromSeconds(int64_t seconds, int micro, Temporal* t) {
  if (seconds < kMinSeconds) return Err::kTooSmall;
  if (seconds > kMaxSeconds) return Err::kTooLarge;
  int64_t days = seconds / 86400, rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  CivilFromDays(days, t);
  t->hour = static_cast<int>(rest / 3600);
  t->minute = static_cast<int>(rest % 3600 / 60);
  t->second = static_cast<int>(rest % 60);
  t->microsecond = micro;
  t->has_offset = true;
  t->offset_seconds = 0;
  return Err::kNone;
}

Err FromIntTimestamp(int64_t ts, Temporal* t) {
  if (ts == std::numeric_limits<int64_t>::min()) return Err::kTooSmall;
  int64_t seconds = ts;
  int64_t micro = 0;
  if ((ts < 0 ? -ts : ts) > kMsWatershed) {
    seconds = ts / 1000;
    micro = ts % 1000 * 1000;
    if (micro < 0) {
      seconds -= 1;
      micro += 1'000'000;
    }
  }
  return FromSeconds(seconds, static_cast<int>(micro), t);
}

// Seconds and the microseconds of their fraction (rounded), for a finite x; false when x
// is far past any date.
bool SplitSeconds(double x, int64_t* seconds, int* micro) {
  if (!(std::fabs(x) < 1e15)) return false;
  double whole = std::floor(x);
  double us = std::round((x - whole) * 1e6);
  if (us >= 1e6) {
    whole += 1;
    us -= 1e6;
  }
  *seconds = static_cast<int64_t>(whole);
  *micro = static_cast<int>(us);
  return true;
}

// The integer part as FromIntTimestamp takes it, its fraction (of a second, or past the
// watershed of a millisecond) rounded to microseconds.
Err FromFloatTimestamp(double x, Temporal* t) {
  if (!(std::fabs(x) < 9e18)) return x < 0 ? Err::kTooSmall : Err::kTooLarge;
  const double whole = std::trunc(x);
  const double fraction = x - whole;
  const int64_t i = static_cast<int64_t>(whole);
  int64_t seconds = i, micro;
  if (std::fabs(x) > static_cast<double>(kMsWatershed)) {  // the whole ms first, as ints do
    seconds = i / 1000;
    int64_t ms = i % 1000 * 1000;
    if (ms < 0) {
      --seconds;
      ms += 1'000'000;
    }
    micro = static_cast<int64_t>(std::round(static_cast<double>(ms) + fraction * 1000));
  } else {
    micro = static_cast<int64_t>(std::round(fraction * 1e6));
  }
  for (; micro < 0; micro += 1'000'000) --seconds;
  for (; micro >= 1'000'000; micro -= 1'000'000) ++seconds;
  return FromSeconds(seconds, static_cast<int>(micro), t);
}

// A number as speedate reads one in text: [+-]digits[.digits] (either side may be empty,
// not both); an integer part past 64 bits is no number.
enum class Number { kNone, kInt, kFloat };

Number ParseNumber(absl::string_view s, int64_t* i, double* f) {
  size_t p = 0;
  bool negative = false;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) negative = s[p++] == '-';
  uint64_t whole = 0;
  size_t digits = 0;
  int d;
  while (Digit(s, p, &d)) {
    if (whole > (std::numeric_limits<uint64_t>::max() - d) / 10) return Number::kNone;
    whole = whole * 10 + d;
    ++digits;
    ++p;
  }
  if (whole > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0)) {
    return Number::kNone;
  }
  if (p == s.size()) {
    if (digits == 0) return Number::kNone;
    *i = negative ? static_cast<int64_t>(0 - whole) : static_cast<int64_t>(whole);
    return Number::kInt;
  }
  if (s[p] != '.') return Number::kNone;
  ++p;
  size_t fraction = 0;
  while (Digit(s, p, &d)) {
    ++fraction;
    ++p;
  }
  if (p != s.size() || digits + fraction == 0) return Number::kNone;
  std::string text(s);  // strtod reads up to a NUL
  *f = std::strtod(text.c_str(), nullptr);
  return Number::kFloat;
}

// speedate's DateTime::parse: RFC 3339 or a timestamp.
Err DateTimeParse(absl::string_view s, Temporal* t) {
  Err e = DateTimeRfc3339(s, t);
  if (e == Err::kNone) return e;
  int64_t i;
  double f;
  switch (ParseNumber(s, &i, &f)) {
    case Number::kInt:
      *t = Temporal();
      return FromIntTimestamp(i, t);
    case Number::kFloat:
      *t = Temporal();
      return FromFloatTimestamp(f, t);
    case Number::kNone:
      break;
  }
  return e;
}

bool Midnight(const Temporal& t) {
  return t.hour == 0 && t.minute == 0 && t.second == 0 && t.microsecond == 0;
}

// speedate's Date::parse: YYYY-MM-DD, or an integer timestamp at exactly midnight (UTC).
Err DateParse(absl::string_view s, Temporal* t) {
  Err e = DateExact(s, t);
  if (e == Err::kNone) return e;
  int64_t i;
  double f;
  if (ParseNumber(s, &i, &f) != Number::kInt) return e;
  Temporal at;
  Err from = FromIntTimestamp(i, &at);
  if (from != Err::kNone) return from;
  if (at.hour != 0 || at.minute != 0 || at.second != 0) return Err::kNotExact;
  *t = Temporal();
  t->year = at.year;
  t->month = at.month;
  t->day = at.day;
  return Err::kNone;
}

// Durations (speedate's Duration): unsigned parts, each checked against 32 bits.
constexpr uint64_t kPartMax = 0xFFFFFFFFu;
constexpr int64_t kMaxDays = 999'999'999;

bool Add(uint64_t* to, uint64_t v) {
  *to += v;
  return *to <= kPartMax;
}

// A quantity's digits at *pos (one at least) into *value.
Err DurationNumber(absl::string_view s, size_t* pos, uint64_t* value) {
  int d;
  if (!Digit(s, *pos, &d)) return Err::kDurationNumber;
  uint64_t v = 0;
  while (Digit(s, *pos, &d)) {
    v = v * 10 + d;
    if (v > kPartMax) return Err::kDurationValueTooLarge;
    ++*pos;
  }
  *value = v;
  return Err::kNone;
}

Err DurationIso(absl::string_view s, size_t pos, uint64_t* day, uint64_t* second, uint64_t* micro) {
  const size_t start = pos;
  bool got_t = false, last_had_fraction = false;
  while (pos < s.size()) {
    if (s[pos] == 'T') {
      if (got_t) return Err::kDurationTRepeated;
      got_t = true;
      ++pos;
      continue;
    }
    uint64_t value;
    Err e = DurationNumber(s, &pos, &value);
    if (e != Err::kNone) return e;
    bool has_fraction = false;
    double fraction = 0;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      has_fraction = true;
      double decimal = 0, denominator = 1;
      int d;
      for (++pos; Digit(s, pos, &d); ++pos) {
        decimal = decimal * 10 + d;
        denominator *= 10;
      }
      fraction = decimal / denominator;
    }
    if (last_had_fraction) return Err::kDurationFraction;
    last_had_fraction = has_fraction;
    const char unit = pos < s.size() ? s[pos] : '\0';
    if (got_t) {
      const uint64_t mult = unit == 'H' ? 3600 : unit == 'M' ? 60 : unit == 'S' ? 1 : 0;
      if (mult == 0) return Err::kDurationTimeUnit;
      if (value * mult > kPartMax || !Add(second, value * mult)) return Err::kDurationValueTooLarge;
      if (has_fraction) {
        const double extra = fraction * static_cast<double>(mult);
        const double full = std::trunc(extra);
        if (!Add(second, static_cast<uint64_t>(full)) ||
            !Add(micro, static_cast<uint64_t>(std::round((extra - full) * 1e6)))) {
          return Err::kDurationValueTooLarge;
        }
      }
    } else {
      const uint64_t mult = unit == 'Y'   ? 365
                            : unit == 'M' ? 30
                            : unit == 'W' ? 7
                            : unit == 'D' ? 1
                                          : 0;
      if (mult == 0) return Err::kDurationDateUnit;
      if (value * mult > kPartMax || !Add(day, value * mult)) return Err::kDurationValueTooLarge;
      if (has_fraction) {
        const double extra_days = fraction * static_cast<double>(mult);
        const double full_days = std::trunc(extra_days);
        const double extra_seconds = (extra_days - full_days) * 86400;
        const double full_seconds = std::trunc(extra_seconds);
        if (!Add(day, static_cast<uint64_t>(full_days)) ||
            !Add(second, static_cast<uint64_t>(full_seconds))) {
          return Err::kDurationValueTooLarge;
        }
        *micro += static_cast<uint64_t>(std::round((extra_seconds - full_seconds) * 1e6));
      }
    }
    ++pos;
  }
  if (pos - start < 2) return Err::kTooShort;
  return Err::kNone;
}

// Past Python's timedelta: over 999,999,999 days, or below -999,999,999 days (pydantic raises
// OverflowError there, a 500 under FastAPI; refused here as too large, a 422).
bool PastPythonRange(bool negative, uint64_t day, uint64_t second, uint64_t micro) {
  return day > static_cast<uint64_t>(kMaxDays) ||
         (negative && day == static_cast<uint64_t>(kMaxDays) && (second != 0 || micro != 0));
}

// Carries microseconds into seconds and seconds into days, as Python's timedelta holds them.
Err DurationOf(bool negative, uint64_t day, uint64_t second, uint64_t micro, Temporal* t) {
  if (micro >= 1'000'000) {
    if (!Add(&second, micro / 1'000'000)) return Err::kDurationValueTooLarge;
    micro %= 1'000'000;
  }
  if (second >= 86400) {
    if (!Add(&day, second / 86400)) return Err::kDurationValueTooLarge;
    second %= 86400;
  }
  if (PastPythonRange(negative, day, second, micro)) return Err::kDurationDaysTooLarge;
  *t = Temporal();
  t->negative = negative;
  t->days = static_cast<int64_t>(day);
  t->seconds = static_cast<int>(second);
  t->microsecond = static_cast<int>(micro);
  return Err::kNone;
}

// H...H:MM[:SS[.ffffff]] at `pos`: any number of hours (up to 2.4e9), the rest as a time of
// day's minutes and seconds, of which only twelve characters are read.
Err DurationHours(absl::string_view s, size_t pos, uint64_t* day, uint64_t* second, uint64_t* micro,
                  uint64_t* hours_out = nullptr) {
  if (s.size() - pos < 5) return Err::kTooShort;
  const size_t colon = s.find(':', pos);
  if (colon == absl::string_view::npos) return Err::kHour;
  if (colon - pos > 10) return Err::kDurationHoursTooLarge;
  uint64_t hours = 0;
  for (size_t i = pos; i < colon; ++i) {
    if (s[i] < '0' || s[i] > '9') return Err::kHour;
    hours = hours * 10 + (s[i] - '0');
  }
  if (hours > 2'400'000'000u) return Err::kDurationHoursTooLarge;
  char buffer[16] = "00:";
  const size_t n = std::min<size_t>(12, s.size() - colon - 1);
  std::memcpy(buffer + 3, s.data() + colon + 1, n);
  const absl::string_view rest(buffer + 3, n);
  const absl::string_view clock(buffer, 3 + rest.size());
  Temporal t;
  size_t end;
  Err e = TimePartial(clock, 0, &t, &end);
  if (e != Err::kNone) return e;
  if (end < clock.size()) return Err::kExtra;
  *day = hours / 24;
  *second = hours % 24 * 3600 + t.minute * 60 + t.second;
  *micro = static_cast<uint64_t>(t.microsecond);
  if (hours_out != nullptr) *hours_out = hours;
  return Err::kNone;
}

// `N day[s][,][ ]` (or `Nd`), then optionally a time of day (hours under 24).
Err DurationDaysTime(absl::string_view s, size_t pos, uint64_t* day, uint64_t* second,
                     uint64_t* micro) {
  if (pos >= s.size()) return Err::kTooShort;
  Err e = DurationNumber(s, &pos, day);
  if (e != Err::kNone) return e;
  auto at = [&](size_t p) { return p < s.size() ? s[p] : '\0'; };
  if (at(pos) == ' ') {
    ++pos;
  } else if (at(pos) != 'd' && at(pos) != 'D') {
    return Err::kDurationDays;
  }
  if (at(pos) != 'd' && at(pos) != 'D') return Err::kDurationDays;
  ++pos;
  if (pos == s.size()) return Err::kNone;
  if (at(pos) == 'a' || at(pos) == 'A') {  // "ay[s]" or "AY[S]"
    const bool upper = at(pos) == 'A';
    if (at(pos + 1) != (upper ? 'Y' : 'y')) return Err::kDurationDays;
    if (pos + 2 == s.size()) return Err::kNone;
    pos += at(pos + 2) == (upper ? 'S' : 's') ? 3 : 2;
  }
  if (pos == s.size()) return Err::kNone;
  if (at(pos) == ',' && ++pos == s.size()) return Err::kNone;
  if (at(pos) == ' ' && ++pos == s.size()) return Err::kNone;
  uint64_t days_of_hours, hours;
  e = DurationHours(s, pos, &days_of_hours, second, micro, &hours);
  if (e != Err::kNone) return e;
  if (hours > 23) return Err::kDurationHoursTooLarge;
  return Err::kNone;
}

Err DurationText(absl::string_view s, Temporal* t) {
  if (s.empty()) return Err::kTooShort;
  size_t pos = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    pos = 1;
  }
  uint64_t day = 0, second = 0, micro = 0;
  Err e;
  if (pos < s.size() && s[pos] == 'P') {
    e = DurationIso(s, pos + 1, &day, &second, &micro);
  } else if (s.find_first_of("dD") != absl::string_view::npos || s.size() - pos < 5) {
    e = DurationDaysTime(s, pos, &day, &second, &micro);
  } else {
    e = DurationHours(s, pos, &day, &second, &micro);
  }
  if (e != Err::kNone) return e;
  return DurationOf(negative, day, second, micro, t);
}

// Seconds as a number: their magnitude, negated.
Err DurationSeconds(bool negative, double magnitude, Temporal* t) {
  if (!(magnitude < 1e17)) return Err::kDurationDaysTooLarge;
  const double whole = std::trunc(magnitude);
  uint64_t micro = static_cast<uint64_t>(std::round((magnitude - whole) * 1e6));
  uint64_t seconds = static_cast<uint64_t>(whole);
  if (micro >= 1'000'000) {
    seconds += micro / 1'000'000;
    micro %= 1'000'000;
  }
  const uint64_t days = seconds / 86400;
  if (PastPythonRange(negative, days, seconds % 86400, micro)) return Err::kDurationDaysTooLarge;
  *t = Temporal();
  t->negative = negative;
  t->days = static_cast<int64_t>(days);
  t->seconds = static_cast<int>(seconds % 86400);
  t->microsecond = static_cast<int>(micro);
  return Err::kNone;
}

const char* const kParsing[] = {"datetime_parsing", "date_parsing", "time_parsing",
                                "time_delta_parsing"};

bool Fail(TemporalFailure* why, const char* type, absl::string_view prefix, Err e) {
  why->type = type;
  why->error = Message(e);
  why->message = absl::StrCat(prefix, why->error);
  return false;
}

bool Inexact(TemporalFailure* why) {
  why->type = "date_from_datetime_inexact";
  why->message = "Datetimes provided to dates should have zero time - e.g. be exact dates";
  why->error.clear();
  return false;
}

constexpr absl::string_view kDateTimePrefix = "Input should be a valid datetime, ";
constexpr absl::string_view kDatePrefix = "Input should be a valid date in the format YYYY-MM-DD, ";
constexpr absl::string_view kTimePrefix = "Input should be in a valid time format, ";
constexpr absl::string_view kDateFromDateTime = "Input should be a valid date or datetime, ";
// FastAPI validates a body it decoded, in pydantic's Python mode: a "timedelta" there.
constexpr absl::string_view kDurationPrefix = "Input should be a valid timedelta, ";

// A value Python's datetime cannot hold (year 0) is refused as pydantic refuses it.
bool Done(TemporalKind kind, const Temporal& t, TemporalFailure* why) {
  if ((kind == TemporalKind::kDateTime || kind == TemporalKind::kDate) && t.year == 0) {
    return Fail(why, kParsing[static_cast<int>(kind)],
                kind == TemporalKind::kDate ? kDatePrefix : kDateTimePrefix, Err::kYearZero);
  }
  return true;
}

// A datetime (from text or a number) given for a date: only at exactly midnight.
bool DateOf(Temporal t, Temporal* out, TemporalFailure* why) {
  if (!Midnight(t)) return Inexact(why);
  *out = Temporal();
  out->year = t.year;
  out->month = t.month;
  out->day = t.day;
  return Done(TemporalKind::kDate, *out, why);
}

}  // namespace

bool TemporalFromText(TemporalKind kind, absl::string_view text, Temporal* out,
                      TemporalFailure* why) {
  Temporal t;
  switch (kind) {
    case TemporalKind::kDateTime: {
      if (DateTimeParse(text, &t) == Err::kNone) {
        *out = t;
        return Done(kind, *out, why);
      }
      t = Temporal();
      Err e = DateParse(text, &t);  // a date alone is its midnight
      if (e != Err::kNone) {
        return Fail(why, "datetime_from_date_parsing", "Input should be a valid datetime or date, ",
                    e);
      }
      *out = t;
      return Done(kind, *out, why);
    }
    case TemporalKind::kDate: {
      if (DateParse(text, &t) == Err::kNone) {
        *out = t;
        return Done(kind, *out, why);
      }
      t = Temporal();
      Err e = DateTimeParse(text, &t);
      if (e != Err::kNone) return Fail(why, "date_from_datetime_parsing", kDateFromDateTime, e);
      return DateOf(t, out, why);
    }
    case TemporalKind::kTime: {
      Err e = TimeExact(text, &t);
      if (e != Err::kNone) return Fail(why, "time_parsing", kTimePrefix, e);
      *out = t;
      return true;
    }
    case TemporalKind::kTimeDelta: {
      Err e = DurationText(text, out);
      if (e != Err::kNone) return Fail(why, "time_delta_parsing", kDurationPrefix, e);
      return true;
    }
  }
  return false;
}

namespace {

// Seconds of the day (UTC), as a time given as a number.
bool TimeOfDay(int64_t seconds, int micro, Temporal* out) {
  *out = Temporal();
  out->hour = static_cast<int>(seconds / 3600);
  out->minute = static_cast<int>(seconds % 3600 / 60);
  out->second = static_cast<int>(seconds % 60);
  out->microsecond = micro;
  out->has_offset = true;
  return true;
}

// A timestamp's outcome `e` (the instant in `t`) as a datetime or a date.
bool Timestamped(TemporalKind kind, Err e, const Temporal& t, Temporal* out, TemporalFailure* why) {
  if (kind == TemporalKind::kDate) {
    if (e != Err::kNone) return Fail(why, "date_from_datetime_parsing", kDateFromDateTime, e);
    return DateOf(t, out, why);
  }
  if (e != Err::kNone) return Fail(why, "datetime_parsing", kDateTimePrefix, e);
  *out = t;
  return Done(kind, *out, why);
}

}  // namespace

bool TemporalFromInt(TemporalKind kind, int64_t value, Temporal* out, TemporalFailure* why) {
  if (kind == TemporalKind::kTimeDelta) {
    Err e = value == std::numeric_limits<int64_t>::min()
                ? Err::kDurationDaysTooLarge
                : DurationSeconds(value < 0, static_cast<double>(value < 0 ? -value : value), out);
    return e == Err::kNone || Fail(why, "time_delta_parsing", kDurationPrefix, e);
  }
  if (kind == TemporalKind::kTime) {
    if (value < 0) return Fail(why, "time_parsing", kTimePrefix, Err::kTimeNegative);
    if (value >= 86400) return Fail(why, "time_parsing", kTimePrefix, Err::kTimeTooLarge);
    return TimeOfDay(value, 0, out);
  }
  Temporal t;
  const Err e = FromIntTimestamp(value, &t);
  return Timestamped(kind, e, t, out, why);
}

bool TemporalFromFloat(TemporalKind kind, double value, Temporal* out, TemporalFailure* why) {
  if (kind == TemporalKind::kTimeDelta) {
    Err e = DurationSeconds(value < 0, std::fabs(value), out);
    return e == Err::kNone || Fail(why, "time_delta_parsing", kDurationPrefix, e);
  }
  if (kind == TemporalKind::kTime) {
    if (value < 0) return Fail(why, "time_parsing", kTimePrefix, Err::kTimeNegative);
    int64_t seconds;
    int micro;
    if (!SplitSeconds(value, &seconds, &micro) || seconds >= 86400) {
      return Fail(why, "time_parsing", kTimePrefix, Err::kTimeTooLarge);
    }
    return TimeOfDay(seconds, micro, out);
  }
  Temporal t;
  const Err e = FromFloatTimestamp(value, &t);
  return Timestamped(kind, e, t, out, why);
}

TemporalFailure TemporalTypeError(TemporalKind kind) {
  static constexpr const char* kTypes[][2] = {
      {"datetime_type", "Input should be a valid datetime"},
      {"date_type", "Input should be a valid date"},
      {"time_type", "Input should be a valid time"},
      {"time_delta_type", "Input should be a valid timedelta"},
  };
  TemporalFailure why;
  why.type = kTypes[static_cast<int>(kind)][0];
  why.message = kTypes[static_cast<int>(kind)][1];
  return why;
}

}  // namespace databridge::validate
