// Battery ageing: rainflow cycle counting (ASTM E1049-85, sec. 5.4.4) on the SOC trace,
// cycle fade from a depth-of-discharge stress curve (cycles to end of life against depth,
// Palmgren-Miner sum, as NREL SAM's table-based cycle model), and calendar fade with √t
// behaviour from Smith et al. 2017 (NREL SAM's lithium-ion calendar model):
//   q_cal = k √t,  k = a · exp(b (1/T − 1/296)) · exp(c (SOC/T − 1/296)),  t in days, T in K,
// with SAM's defaults a = 2.66e-3 /√day, b = −7280 K, c = 930 K. Varying T and SOC are
// integrated in time-equivalent form (dq = k² dt / (2 q)), so the fade is path independent
// for constant conditions and equals k √t exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace essim::storage {

//! Streaming rainflow counter: feed samples; extracted cycles are reported as
//! (range, mean, count) with count 1 (full) or 0.5 (half, ASTM's start-point rule and the
//! residue at Finish).
class Rainflow {
 public:
  using Sink = std::function<void(double range, double mean, double count)>;
  explicit Rainflow(Sink sink) : sink_(std::move(sink)) {}
  //! Adds a sample (only turning points matter).
  void Push(double x);
  //! Counts what is left as half cycles and resets.
  void Finish();

 private:
  void AddReversal(double x);
  Sink sink_;
  std::vector<double> stack_;  // reversals not yet counted
  bool has_last_ = false, has_dir_ = false;
  double last_ = 0.0;          // last sample
  int dir_ = 0;                // direction of the current run: +1 up, −1 down
};

//! Ageing parameters (shared by the phases).
struct AgeingConfig {
  bool enabled = false;
  //! Cycle life: depth of discharge (fraction, increasing) → full cycles until the capacity
  //! has faded by `table_fade` (log-log interpolation; held beyond the ends by the power law
  //! of the nearest segment). Defaults: LFP, typical vendor data (≈ 6000 cycles at 80-100 %
  //! depth to 80 %; DOMAIN.md).
  std::vector<double> dod{0.1, 0.2, 0.4, 0.6, 0.8, 1.0};
  std::vector<double> cycles{60000, 28000, 13000, 9000, 7000, 6000};
  double table_fade = 0.2;      //!< fade at which the table's cycle counts are reached
  double calendar_a = 2.66e-3;  //!< 1/√day
  double calendar_b = -7280.0;  //!< K
  double calendar_c = 930.0;    //!< K
  double end_of_life_soh = 0.7; //!< state of health defining end of life (projection KPI)

  //! Fade of one full cycle of depth `dod` (fraction of capacity).
  double CycleFade(double dod) const;
  //! Calendar rate k (1/√day) at cell temperature `temp_c` and SOC `soc` (fraction).
  double CalendarK(double temp_c, double soc) const;
};

//! Fade of one block of cells (a phase's original energy, or an augmentation).
struct BlockAgeing {
  double energy_mwh = 0.0;     //!< nameplate of the block
  double cycle_fade = 0.0;     //!< fraction of the block's nameplate
  double calendar_fade = 0.0;
  double Capacity() const { return energy_mwh * (1.0 - cycle_fade - calendar_fade); }
  //! Advances calendar fade by `days` at rate `k` (time-equivalent form).
  void AddCalendar(double k, double days);
};

}  // namespace essim::storage
