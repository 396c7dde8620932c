#include "framework/validate/temporal.h"

#include <gtest/gtest.h>

namespace databridge::validate {
namespace {

// Expected values and messages are pydantic 2's (pydantic-core's TypeAdapter(...).
// validate_json), the reference python/data_bridge:temporal_test compares against in bulk.
Temporal Text(TemporalKind kind, absl::string_view text) {
  Temporal t;
  TemporalFailure why;
  EXPECT_TRUE(TemporalFromText(kind, text, &t, &why)) << text << ": " << why.message;
  return t;
}

TemporalFailure TextFails(TemporalKind kind, absl::string_view text) {
  Temporal t;
  TemporalFailure why;
  EXPECT_FALSE(TemporalFromText(kind, text, &t, &why)) << text;
  return why;
}

TEST(TemporalTest, DateTimeText) {
  Temporal t = Text(TemporalKind::kDateTime, "2032-04-23T10:20:30.1234567+02:30");
  EXPECT_EQ(t.year, 2032);
  EXPECT_EQ(t.day, 23);
  EXPECT_EQ(t.second, 30);
  EXPECT_EQ(t.microsecond, 123456);  // truncated past six digits
  EXPECT_TRUE(t.has_offset);
  EXPECT_EQ(t.offset_seconds, 9000);
  t = Text(TemporalKind::kDateTime, "2032-04-23");  // a date: its midnight, naive
  EXPECT_EQ(t.hour, 0);
  EXPECT_FALSE(t.has_offset);
  t = Text(TemporalKind::kDateTime, "1700000000.5");  // a timestamp: UTC
  EXPECT_EQ(t.year, 2023);
  EXPECT_EQ(t.microsecond, 500000);
  EXPECT_TRUE(t.has_offset);
  EXPECT_EQ(t.offset_seconds, 0);
}

TEST(TemporalTest, DateTimeTextErrorsAreTheDateFallbacks) {
  TemporalFailure why = TextFails(TemporalKind::kDateTime, "2032-04-23T24:00:00");
  EXPECT_STREQ(why.type, "datetime_from_date_parsing");
  EXPECT_EQ(why.message,
            "Input should be a valid datetime or date, unexpected extra characters at the end of "
            "the input");
  EXPECT_EQ(why.error, "unexpected extra characters at the end of the input");
  why = TextFails(TemporalKind::kDateTime, "0000-01-01");
  EXPECT_STREQ(why.type, "datetime_parsing");
  EXPECT_EQ(why.error, "year 0 is out of range");
}

TEST(TemporalTest, DateText) {
  Temporal t = Text(TemporalKind::kDate, "2032-04-23T00:00:00Z");
  EXPECT_EQ(t.month, 4);
  EXPECT_FALSE(t.has_offset);
  TemporalFailure why = TextFails(TemporalKind::kDate, "2032-04-23T00:00:01");
  EXPECT_STREQ(why.type, "date_from_datetime_inexact");
  EXPECT_TRUE(why.error.empty());
  why = TextFails(TemporalKind::kDate, "2032-04-23x");
  EXPECT_STREQ(why.type, "date_from_datetime_parsing");
  EXPECT_EQ(why.error, "invalid datetime separator, expected `T`, `t`, `_` or space");
}

TEST(TemporalTest, TimeText) {
  Temporal t = Text(TemporalKind::kTime, "10:20Z");
  EXPECT_EQ(t.minute, 20);
  EXPECT_TRUE(t.has_offset);
  EXPECT_EQ(TextFails(TemporalKind::kTime, "10:20:30+01").error, "invalid timezone minute");
  EXPECT_EQ(TextFails(TemporalKind::kTime, "10:20:30+24:00").error,
            "timezone offset must be less than 24 hours");
  EXPECT_EQ(TextFails(TemporalKind::kTime, "10:20:30 ").error, "invalid timezone sign");
}

TEST(TemporalTest, TimeDeltaText) {
  Temporal t = Text(TemporalKind::kTimeDelta, "-P1DT2H3.25S");
  EXPECT_TRUE(t.negative);
  EXPECT_EQ(t.days, 1);
  EXPECT_EQ(t.seconds, 7203);
  EXPECT_EQ(t.microsecond, 250000);
  t = Text(TemporalKind::kTimeDelta, "2 days, 10:20:30.5");
  EXPECT_EQ(t.days, 2);
  EXPECT_EQ(t.seconds, 37230);
  t = Text(TemporalKind::kTimeDelta, "123:04:05");  // hours past a day
  EXPECT_EQ(t.days, 5);
  EXPECT_EQ(t.seconds, 3 * 3600 + 245);
  TemporalFailure why = TextFails(TemporalKind::kTimeDelta, "1 day, 25:00");
  EXPECT_STREQ(why.type, "time_delta_parsing");
  EXPECT_EQ(why.error, "durations may not exceed 999,999,999 hours");
  EXPECT_EQ(TextFails(TemporalKind::kTimeDelta, "PT1.5H1M").error,
            "quantity fraction invalid in duration");
  EXPECT_EQ(TextFails(TemporalKind::kTimeDelta, "1").error,
            "\"day\" identifier in duration not correctly formatted");
}

TEST(TemporalTest, Numbers) {
  Temporal t;
  TemporalFailure why;
  ASSERT_TRUE(TemporalFromInt(TemporalKind::kDateTime, 20000000001, &t, &why));  // ms
  EXPECT_EQ(t.year, 1970);
  EXPECT_EQ(t.microsecond, 1000);
  ASSERT_TRUE(TemporalFromFloat(TemporalKind::kDateTime, -1.5, &t, &why));
  EXPECT_EQ(t.second, 58);
  EXPECT_EQ(t.microsecond, 500000);
  EXPECT_FALSE(TemporalFromFloat(TemporalKind::kDateTime, 1e20, &t, &why));
  EXPECT_EQ(why.error, "dates after 9999 are not supported as unix timestamps");
  EXPECT_FALSE(TemporalFromInt(TemporalKind::kDate, 1700000000, &t, &why));
  EXPECT_STREQ(why.type, "date_from_datetime_inexact");
  ASSERT_TRUE(TemporalFromFloat(TemporalKind::kTime, 3600.9999999, &t, &why));
  EXPECT_EQ(t.second, 1);
  EXPECT_FALSE(TemporalFromInt(TemporalKind::kTime, -1, &t, &why));
  EXPECT_EQ(why.error, "time in seconds should be positive");
  EXPECT_STREQ(TemporalTypeError(TemporalKind::kDate).type, "date_type");
  ASSERT_TRUE(TemporalFromFloat(TemporalKind::kTimeDelta, -3.5, &t, &why));
  EXPECT_TRUE(t.negative);
  EXPECT_EQ(t.seconds, 3);
  EXPECT_EQ(t.microsecond, 500000);
  EXPECT_FALSE(TemporalFromFloat(TemporalKind::kTimeDelta, 1e20, &t, &why));
  EXPECT_EQ(why.error, "durations may not exceed 999,999,999 days");
}

}  // namespace
}  // namespace databridge::validate
