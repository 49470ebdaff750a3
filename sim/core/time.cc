#include "sim/core/time.h"

#include <cstdio>

#include <fmt/format.h>

namespace essim {
namespace {

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29u : kDays[m - 1];
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Reads exactly n decimal digits at pos; advances pos.
bool Digits(std::string_view s, std::size_t* pos, int n, int* out) {
  if (*pos + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[*pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += static_cast<std::size_t>(n);
  *out = v;
  return true;
}

bool Expect(std::string_view s, std::size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

}  // namespace

// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms" (public domain algorithm).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::optional<TimePoint> ParseIsoTime(std::string_view text, std::string* error) {
  auto fail = [&](std::string_view why) -> std::optional<TimePoint> {
    if (error) {
      *error = fmt::format(
          "expected an ISO 8601 time with a UTC offset (e.g. \"2025-01-01T00:00:00+08:00\"), "
          "found \"{}\"{}{}",
          text, why.empty() ? "" : ": ", why);
    }
    return std::nullopt;
  };
  std::size_t p = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!Digits(text, &p, 4, &y) || !Expect(text, &p, '-') || !Digits(text, &p, 2, &mo) ||
      !Expect(text, &p, '-') || !Digits(text, &p, 2, &d)) {
    return fail("");
  }
  if (p >= text.size() || (text[p] != 'T' && text[p] != ' ')) {
    return fail(p >= text.size() ? "no time of day and no UTC offset" : "");
  }
  ++p;
  if (!Digits(text, &p, 2, &h) || !Expect(text, &p, ':') || !Digits(text, &p, 2, &mi)) {
    return fail("");
  }
  if (Expect(text, &p, ':')) {
    if (!Digits(text, &p, 2, &s)) return fail("");
    if (Expect(text, &p, '.')) {  // fractional seconds must be zero: steps are whole seconds
      bool any = false;
      while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
        if (text[p] != '0') return fail("fractional seconds are not supported");
        any = true;
        ++p;
      }
      if (!any) return fail("");
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(mo)) ||
      h > 23 || mi > 59 || s > 59) {
    return fail("date or time out of range");
  }
  int offset_s = 0;
  if (p >= text.size()) return fail("no UTC offset (add e.g. \"+08:00\" or \"Z\")");
  if (text[p] == 'Z') {
    ++p;
  } else if (text[p] == '+' || text[p] == '-') {
    const int sign = text[p] == '-' ? -1 : 1;
    ++p;
    int oh = 0, om = 0;
    if (!Digits(text, &p, 2, &oh)) return fail("malformed UTC offset");
    Expect(text, &p, ':');
    if (!Digits(text, &p, 2, &om)) return fail("malformed UTC offset");
    if (oh > 14 || om > 59) return fail("UTC offset out of range");
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return fail("no UTC offset (add e.g. \"+08:00\" or \"Z\")");
  }
  if (p != text.size()) return fail("unexpected trailing text");
  const std::int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  TimePoint tp;
  tp.unix_s = days * 86400 + h * 3600 + mi * 60 + s - offset_s;
  tp.offset_s = offset_s;
  return tp;
}

void FormatIsoTimeTo(std::int64_t unix_s, std::int32_t offset_s, char out[25]) {
  const std::int64_t local = unix_s + offset_s;
  const std::int64_t days = FloorDiv(local, 86400);
  const auto sod = static_cast<int>(local - days * 86400);
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  const int h = sod / 3600, mi = sod / 60 % 60, s = sod % 60;
  const int off = offset_s < 0 ? -offset_s : offset_s;
  auto put2 = [&](int pos, int v) {
    out[pos] = static_cast<char>('0' + v / 10);
    out[pos + 1] = static_cast<char>('0' + v % 10);
  };
  const auto yy = static_cast<int>(y);
  out[0] = static_cast<char>('0' + yy / 1000 % 10);
  out[1] = static_cast<char>('0' + yy / 100 % 10);
  put2(2, yy % 100);
  out[4] = '-';
  put2(5, static_cast<int>(m));
  out[7] = '-';
  put2(8, static_cast<int>(d));
  out[10] = 'T';
  put2(11, h);
  out[13] = ':';
  put2(14, mi);
  out[16] = ':';
  put2(17, s);
  out[19] = offset_s < 0 ? '-' : '+';
  put2(20, off / 3600);
  out[22] = ':';
  put2(23, off / 60 % 60);
}

std::string FormatIsoTime(std::int64_t unix_s, std::int32_t offset_s) {
  char buf[25];
  FormatIsoTimeTo(unix_s, offset_s, buf);
  return std::string(buf, 25);
}

std::optional<int> ParseClock(std::string_view text, std::string* error) {
  std::size_t p = 0;
  int h = 0, m = 0;
  if (!Digits(text, &p, 2, &h) || !Expect(text, &p, ':') || !Digits(text, &p, 2, &m) ||
      p != text.size() || m > 59 || h > 24 || (h == 24 && m != 0)) {
    if (error) *error = fmt::format("expected a clock time \"HH:MM\" (00:00 to 24:00), found \"{}\"", text);
    return std::nullopt;
  }
  return h * 3600 + m * 60;
}

int TimeAxis::LocalSecondOfDay(std::int64_t k) const {
  const std::int64_t local = TimeAt(k) + utc_offset_s;
  return static_cast<int>(local - FloorDiv(local, 86400) * 86400);
}

int TimeAxis::LocalMonth(std::int64_t k) const {
  const std::int64_t local = TimeAt(k) + utc_offset_s;
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(FloorDiv(local, 86400), &y, &m, &d);
  return static_cast<int>(m);
}

}  // namespace essim
