#include "sim/core/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

namespace essim {
namespace {

// canonical value = number * mul / div. Sub-unit factors are divisions by exact
// integers so that "95 %" is exactly 0.95 and "2500 kW" exactly 2.5 MW.
struct UnitFactor {
  std::string_view unit;
  double mul = 1.0;
  double div = 1.0;
};

// Exact powers of ten and exact rational factors only; a month is the mean
// Gregorian month, 365.2425 d / 12 = 30.436875 d, a year 365.2425 d.
constexpr double kDaysPerMonth = 30.436875;
constexpr double kDaysPerYear = 365.2425;

constexpr std::array kPowerUnits{UnitFactor{"W", 1.0, 1e6}, UnitFactor{"kW", 1.0, 1e3},
                                 UnitFactor{"MW", 1.0, 1.0}, UnitFactor{"GW", 1e3, 1.0}};
constexpr std::array kEnergyUnits{UnitFactor{"Wh", 1.0, 1e6}, UnitFactor{"kWh", 1.0, 1e3},
                                  UnitFactor{"MWh", 1.0, 1.0}, UnitFactor{"GWh", 1e3, 1.0}};
constexpr std::array kDurationUnits{UnitFactor{"s", 1.0}, UnitFactor{"min", 60.0},
                                    UnitFactor{"h", 3600.0}, UnitFactor{"d", 86400.0}};
constexpr std::array kAngleUnits{UnitFactor{"deg", 1.0}, UnitFactor{"°", 1.0}};
constexpr std::array kFractionUnits{UnitFactor{"%", 1.0, 100.0}};
constexpr std::array kPriceUnits{UnitFactor{"yuan/MWh", 1.0}, UnitFactor{"yuan/kWh", 1e3}};
constexpr std::array kCapacityPriceUnits{UnitFactor{"yuan/kW/yr", 1.0},
                                         UnitFactor{"yuan/MW/yr", 1.0, 1e3}};
constexpr std::array kLengthUnits{UnitFactor{"m", 1.0}, UnitFactor{"km", 1e3}};
constexpr std::array kRampUnits{UnitFactor{"MW/s", 60.0}, UnitFactor{"MW/min", 1.0},
                                UnitFactor{"MW/h", 1.0, 60.0}};
constexpr std::array kTemperatureUnits{UnitFactor{"degC", 1.0, 1.0}, UnitFactor{"°C", 1.0, 1.0}};
constexpr std::array kSpeedUnits{UnitFactor{"m/s", 1.0, 1.0}, UnitFactor{"km/h", 1.0, 3.6}};
constexpr std::array kTempCoefficientUnits{UnitFactor{"%/degC", 1.0, 100.0}, UnitFactor{"%/K", 1.0, 100.0},
                                           UnitFactor{"1/K", 1.0, 1.0}};
constexpr std::array kRateUnits{UnitFactor{"%/day", 1.0, 100.0},
                                UnitFactor{"%/month", 1.0, 100.0 * kDaysPerMonth},
                                UnitFactor{"%/yr", 1.0, 100.0 * kDaysPerYear}};

template <std::size_t N>
std::optional<UnitFactor> Lookup(const std::array<UnitFactor, N>& table, std::string_view unit) {
  for (const auto& u : table) {
    if (u.unit == unit) return u;
  }
  return std::nullopt;
}

std::optional<UnitFactor> FactorFor(Dim dim, std::string_view unit) {
  switch (dim) {
    case Dim::kNumber: return std::nullopt;
    case Dim::kPower: return Lookup(kPowerUnits, unit);
    case Dim::kEnergy: return Lookup(kEnergyUnits, unit);
    case Dim::kDuration: return Lookup(kDurationUnits, unit);
    case Dim::kAngle: return Lookup(kAngleUnits, unit);
    case Dim::kFraction: return Lookup(kFractionUnits, unit);
    case Dim::kPrice: return Lookup(kPriceUnits, unit);
    case Dim::kCapacityPrice: return Lookup(kCapacityPriceUnits, unit);
    case Dim::kLength: return Lookup(kLengthUnits, unit);
    case Dim::kRampRate: return Lookup(kRampUnits, unit);
    case Dim::kRatePerDay: return Lookup(kRateUnits, unit);
    case Dim::kTemperature: return Lookup(kTemperatureUnits, unit);
    case Dim::kSpeed: return Lookup(kSpeedUnits, unit);
    case Dim::kTempCoefficient: return Lookup(kTempCoefficientUnits, unit);
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

namespace {

// One row per Dim, in enum order: canonical unit, accepted units, example, name.
struct DimInfo {
  std::string_view canonical, allowed, example, name;
};
constexpr DimInfo kDimInfo[] = {
    {"", "none (a bare number)", "1.5", "number"},
    {"MW", "W, kW, MW, GW", "500 MW", "power"},
    {"MWh", "Wh, kWh, MWh, GWh", "1000 MWh", "energy"},
    {"s", "s, min, h, d", "15 min", "duration"},
    {"deg", "deg", "35 deg", "angle"},
    {"%", "%", "95 %", "fraction"},
    {"yuan/MWh", "yuan/MWh, yuan/kWh", "300 yuan/MWh", "energy price"},
    {"yuan/kW/yr", "yuan/kW/yr, yuan/MW/yr", "330 yuan/kW/yr", "capacity price"},
    {"m", "m, km", "1600 m", "length"},
    {"MW/min", "MW/s, MW/min, MW/h", "100 MW/min", "ramp rate"},
    {"%/day", "%/day, %/month, %/yr", "0.1 %/day", "rate"},
    {"degC", "degC", "25 degC", "temperature"},
    {"m/s", "m/s, km/h", "3 m/s", "speed"},
    {"%/degC", "%/degC, %/K, 1/K", "-0.35 %/degC", "temperature coefficient"},
};
static_assert(std::size(kDimInfo) == static_cast<std::size_t>(Dim::kTempCoefficient) + 1, "one row per Dim");

const DimInfo& Info(Dim dim) { return kDimInfo[static_cast<std::size_t>(dim)]; }

}  // namespace

std::string_view CanonicalUnit(Dim dim) { return Info(dim).canonical; }
std::string_view AllowedUnits(Dim dim) { return Info(dim).allowed; }
std::string_view ExampleValue(Dim dim) { return Info(dim).example; }
std::string_view DimName(Dim dim) { return Info(dim).name; }

std::optional<double> ParseNumber(std::string_view text, std::string* error) {
  std::string_view s = Trim(text);
  if (s.empty()) {
    if (error) *error = "expected a number, found an empty value";
    return std::nullopt;
  }
  std::string_view digits = s;
  if (digits.front() == '+') digits.remove_prefix(1);
  double value = 0.0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  const std::string_view lowered = digits;
  const bool yaml_special = lowered == ".inf" || lowered == ".Inf" || lowered == ".INF" ||
                            lowered == "-.inf" || lowered == ".nan" || lowered == ".NaN" ||
                            lowered == ".NAN";
  if (yaml_special || (ec == std::errc() && !std::isfinite(value))) {
    if (error) *error = fmt::format("expected a finite number, found \"{}\"", s);
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    if (error) *error = fmt::format("expected a number, found \"{}\"", s);
    return std::nullopt;
  }
  return value;
}

std::optional<double> ParseQuantity(std::string_view text, Dim dim, std::string* error,
                                    bool bare_fraction_ok) {
  const std::string_view s = Trim(text);
  auto expected = [&](std::string_view found_what) {
    if (error) {
      if (dim == Dim::kNumber) {
        *error = fmt::format("expected a number, found {}", found_what);
      } else {
        *error = fmt::format("expected {} (e.g. \"{}\"; units: {}{}), found {}", DimName(dim),
                             ExampleValue(dim), AllowedUnits(dim),
                             dim == Dim::kFraction && bare_fraction_ok ? ", or a bare ratio" : "",
                             found_what);
      }
    }
    return std::nullopt;
  };
  if (s.empty()) return expected("an empty value");
  // Longest numeric prefix: from_chars stops at the first character that cannot
  // continue a number, which leaves the unit.
  std::string_view body = s;
  if (body.front() == '+') body.remove_prefix(1);
  double value = 0.0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc()) {
    // Values like ".inf MW" or "nan MW" are numbers that are not finite.
    std::string_view head = body.substr(0, body.find(' '));
    if (head == ".inf" || head == "-.inf" || head == ".nan" || head == ".NaN") {
      return expected(fmt::format("a non-finite number \"{}\"", s));
    }
    return expected(fmt::format("\"{}\"", s));
  }
  if (!std::isfinite(value)) return expected(fmt::format("a non-finite number \"{}\"", s));
  // Reject "1e" style partials: from_chars already consumed what it can.
  const std::string_view unit = Trim(body.substr(static_cast<std::size_t>(ptr - body.data())));
  if (unit.empty()) {
    if (dim == Dim::kNumber) return value;
    if (dim == Dim::kFraction && bare_fraction_ok) return value;
    return expected(fmt::format("\"{}\" without a unit", s));
  }
  if (dim == Dim::kNumber) return expected(fmt::format("\"{}\"", s));
  const auto factor = FactorFor(dim, unit);
  if (!factor) return expected(fmt::format("\"{}\" (unknown unit \"{}\")", s, unit));
  return value * factor->mul / factor->div;
}

std::string FormatQuantity(double value, Dim dim) {
  if (dim == Dim::kFraction) return fmt::format("{:g} %", value * 100.0);
  if (dim == Dim::kRatePerDay) return fmt::format("{:g} %/day", value * 100.0);
  if (dim == Dim::kTempCoefficient) return fmt::format("{:g} %/degC", value * 100.0);
  if (dim == Dim::kNumber) return fmt::format("{:g}", value);
  return fmt::format("{:g} {}", value, CanonicalUnit(dim));
}

}  // namespace essim
