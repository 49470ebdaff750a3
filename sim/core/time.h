// Calendar time: ISO 8601 parsing and formatting with explicit UTC offsets, and the
// TimeAxis every series of a run lives on. Time in code is integer seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace essim {

//! An instant with the UTC offset it was written in.
struct TimePoint {
  std::int64_t unix_s = 0;   //!< seconds since 1970-01-01T00:00:00Z
  std::int32_t offset_s = 0; //!< UTC offset of the written form, s (e.g. +28800 for +08:00)
};

//! Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d);
//! Inverse of DaysFromCivil.
void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d);

//! Parses "YYYY-MM-DDTHH:MM[:SS][.fff](Z|±HH:MM|±HHMM)". A missing offset is an error.
std::optional<TimePoint> ParseIsoTime(std::string_view text, std::string* error);

//! Formats as "YYYY-MM-DDTHH:MM:SS±HH:MM" in the given offset.
std::string FormatIsoTime(std::int64_t unix_s, std::int32_t offset_s);

//! Writes the 25 characters of FormatIsoTime into out (no allocation).
void FormatIsoTimeTo(std::int64_t unix_s, std::int32_t offset_s, char out[25]);

//! Parses "HH:MM" (00:00 to 24:00) into seconds of the day.
std::optional<int> ParseClock(std::string_view text, std::string* error);

//! A regular time axis: step k covers [start + k*step, start + (k+1)*step).
struct TimeAxis {
  std::int64_t start_unix_s = 0;  //!< start of step 0, Unix seconds
  std::int32_t step_s = 900;      //!< step length, s
  std::int64_t count = 0;         //!< number of steps
  std::int32_t utc_offset_s = 0;  //!< local offset used for clocks and calendars, s

  //! Start of step k, Unix seconds.
  std::int64_t TimeAt(std::int64_t k) const { return start_unix_s + k * step_s; }
  //! End of the last step, Unix seconds.
  std::int64_t EndTime() const { return TimeAt(count); }
  //! Step length in hours.
  double dt_h() const { return step_s / 3600.0; }
  //! Local seconds since midnight at the start of step k.
  int LocalSecondOfDay(std::int64_t k) const;
  //! Local calendar month (1-12) at the start of step k.
  int LocalMonth(std::int64_t k) const;
};

}  // namespace essim
