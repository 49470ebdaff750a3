#include "sim/dispatch/strategy.h"

namespace essim::dispatch {

std::string_view ForesightName(Foresight f) {
  switch (f) {
    case Foresight::kNone: return "none";
    case Foresight::kForecast: return "forecast";
    case Foresight::kPerfect: return "perfect";
  }
  return "none";
}

}  // namespace essim::dispatch
