// Units: parsing of dimensional quantities written as "<number> <unit>" in scenario
// files, converted once into essim's canonical units (the unit is in every code name).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace essim {

//! Physical dimension of a scenario value and its canonical unit in code.
enum class Dim {
  kNumber,         //!< dimensionless bare number
  kPower,          //!< MW
  kEnergy,         //!< MWh
  kDuration,       //!< s
  kAngle,          //!< deg
  kFraction,       //!< ratio (1 = 100 %)
  kPrice,          //!< yuan/MWh
  kCapacityPrice,  //!< yuan/kW/yr
  kLength,         //!< m
  kRampRate,       //!< MW/min
  kRatePerDay,     //!< fraction per day (1 = 100 %/day)
  kTemperature,    //!< °C
  kSpeed,          //!< m/s
  kTempCoefficient,  //!< fraction per °C (1 = 100 %/°C)
};

//! Canonical unit of a dimension, e.g. "MW".
std::string_view CanonicalUnit(Dim dim);
//! Human list of accepted units, e.g. "W, kW, MW, GW".
std::string_view AllowedUnits(Dim dim);
//! A short example value, e.g. "500 MW".
std::string_view ExampleValue(Dim dim);
//! What kind of quantity, e.g. "power".
std::string_view DimName(Dim dim);

//! Parses a finite decimal number (no unit). Rejects nan/inf and trailing text.
std::optional<double> ParseNumber(std::string_view text, std::string* error);

//! Parses "<number> <unit>" into the canonical unit of `dim`. A bare number is
//! accepted only for kNumber, and for kFraction when `bare_fraction_ok` (a ratio).
//! On failure returns nullopt and sets `error` to "expected ..., found ..." text.
std::optional<double> ParseQuantity(std::string_view text, Dim dim, std::string* error,
                                    bool bare_fraction_ok = false);

//! Formats a canonical value back with its canonical unit ("1000 MWh").
std::string FormatQuantity(double value, Dim dim);

}  // namespace essim
