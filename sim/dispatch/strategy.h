// The dispatch Strategy interface: the engine asks for one setpoint per step, given
// only what the strategy may see. Foresight is a declared property.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/series.h"
#include "sim/core/time.h"

namespace essim::dispatch {

//! What a strategy may know of the future.
enum class Foresight {
  kNone,      //!< sees the present step only (measurements and the current price)
  kForecast,  //!< plans on forecasts issued at decision time (see forecast.h for what each reads)
  kPerfect,   //!< sees every input series of the run (optimal, perfect foresight)
};

//! Series of the whole run, passed only to strategies that declare kPerfect foresight.
struct InputView {
  const TimeAxis* axis = nullptr;
  const Series* pv_mw = nullptr;
  const Series* load_mw = nullptr;
  const Series* price_yuan_per_mwh = nullptr;
  const Series* export_limit_mw = nullptr;
  const Series* import_limit_mw = nullptr;
  //! The most PV can be per step, known ahead (engine::Inputs::pv_bound_mw); null: none.
  const Series* pv_bound_mw = nullptr;
};

//! What a causal strategy sees at step k: present measurements and the station state.
struct Observation {
  std::int64_t step = 0;
  int local_second_of_day = 0;     //!< local clock at the step start, s
  int local_month = 1;             //!< 1-12
  double dt_h = 0.25;
  double pv_mw = 0.0;              //!< available PV this step
  double load_mw = 0.0;
  double aux_mw = 0.0;
  double price_yuan_per_mwh = 0.0;
  double export_limit_mw = 0.0;
  double import_limit_mw = 0.0;
  double stored_mwh = 0.0;          //!< stored energy at the step start (after self-discharge)
  double dischargeable_mwh = 0.0;   //!< energy deliverable at the POI above SOC min
  double charge_max_mw = 0.0;       //!< station capability this step
  double discharge_max_mw = 0.0;
  double power_rating_mw = 0.0;     //!< rated power of phases in service
  //! Stored energy per phase at the step start, before this step's self-discharge (NaN:
  //! not in service yet). Owned by the engine; valid during Setpoint().
  const std::vector<double>* phase_stored_mwh = nullptr;
};

//! A dispatch strategy. Setpoint convention: MW at the POI, + discharge, − charge.
class Strategy {
 public:
  virtual ~Strategy() = default;
  //! The strategy's registered name.
  virtual std::string_view name() const = 0;
  //! What the strategy may read ahead.
  virtual Foresight foresight() const { return Foresight::kNone; }
  //! Called once before the run with every series when foresight() is not kNone; a
  //! kForecast strategy reads them only through its forecast models.
  virtual void Prepare(const InputView& /*inputs*/) {}
  //! Setpoint for one step.
  virtual double Setpoint(const Observation& obs) = 0;
  //! Optional planned net power per phase (+ discharge) for the step just asked; the
  //! station then splits the realized power by the plan. False = split by capability.
  virtual bool PhaseTargets(std::int64_t /*step*/, std::vector<double>* /*net_mw*/) const { return false; }
};

//! Name of a foresight value ("none", "perfect").
std::string_view ForesightName(Foresight f);

}  // namespace essim::dispatch
