// Benchmark (not a test): a year at 15-minute steps for each rule-based strategy.
// Prints the engine loop alone (cold: fresh result buffers, as a single CLI run;
// warm: buffers reused, as in sweeps) and the whole run from YAML to written files.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sim/app/commands.h"
#include "sim/core/stopwatch.h"
#include "sim/dispatch/rules.h"
#include "sim/pv/irradiance.h"
#include "sim/pv/weather.h"

int main(int argc, char** argv) {
  using namespace essim;
  const std::string path = argc > 1 ? argv[1] : "scenarios/jiayuguan-2025.yaml";
  const int reps = argc > 2 ? std::stoi(argv[2]) : 20;
  app::KeepFreedMemory();
  spdlog::set_level(spdlog::level::warn);
  const std::string out = (std::filesystem::temp_directory_path() / "essim-bench").string();

  // Each strategy with parameters given as --set overrides, as a script would.
  const std::vector<std::vector<std::string>> variants = {
      {"dispatch.strategy=idle"},
      {"dispatch.strategy=schedule",
       "dispatch.schedule.windows=[{hours: '02:00-05:00', action: charge}, {hours: '07:00-09:00', action: discharge},"
       " {hours: '11:00-14:00', action: charge}, {hours: '19:00-21:00', action: discharge}]"},
      {"dispatch.strategy=price_threshold", "dispatch.price_threshold={charge_below: 100 yuan/MWh, discharge_above: 500 yuan/MWh}"},
      {"dispatch.strategy=absorb_curtailment"},
  };
  io::LoadOptions base;
  const io::Scenario probe = io::LoadScenario(path, base);
  fmt::print("benchmark: {} ({} steps of {} s), best of {} repetitions\n", path, probe.axis.count, probe.axis.step_s, reps);
  fmt::print("{:<20} {:>12} {:>12} {:>12} {:>14}\n", "strategy", "cold ns/step", "warm ns/step", "warm ms", "whole run ms");
  for (const auto& sets : variants) {
    io::LoadOptions opt;
    opt.sets = sets;
    const io::Scenario sc = io::LoadScenario(path, opt);
    const engine::Inputs inputs = io::BuildInputs(sc);
    double cold = 1e9, warm = 1e9, whole = 1e9;
    engine::RunResult reused;
    for (int r = 0; r < reps; ++r) {
      auto s1 = dispatch::MakeRuleStrategy(sc.dispatch);
      auto t0 = std::chrono::steady_clock::now();
      engine::RunResult fresh = engine::Run(sc.model, inputs, *s1);
      cold = std::min(cold, SecondsSince(t0));
      auto s2 = dispatch::MakeRuleStrategy(sc.dispatch);
      t0 = std::chrono::steady_clock::now();
      engine::RunInto(sc.model, inputs, *s2, &reused);
      if (r > 0) warm = std::min(warm, SecondsSince(t0));  // the first pass touches the buffers
    }
    for (int r = 0; r < std::max(3, reps / 4); ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      app::RunOutcome o = app::RunScenario(path, opt);
      io::WriteOutputs(out, o.scenario, o.result, o.kpis, &o.timings);
      whole = std::min(whole, SecondsSince(t0));
    }
    const double n = static_cast<double>(sc.axis.count);
    fmt::print("{:<20} {:>12.1f} {:>12.1f} {:>12.3f} {:>14.1f}\n", sc.dispatch.strategy, cold * 1e9 / n, warm * 1e9 / n,
               warm * 1e3, whole * 1e3);
  }
  std::filesystem::remove_all(out);

  // PV chain: sun positions (one SPA pass), synthetic weather, plants.
  {
    const TimeAxis axis = probe.axis;
    const pv::SpaSite site{probe.latitude_deg, probe.longitude_deg, probe.altitude_m,
                           pv::AltitudeToPressure(probe.altitude_m) / 100.0, 12.0, 0.5667};
    double sun_cold = 0, weather_cold = 0, plant_cold = 0;
    double sun_best = 1e9, weather_best = 1e9, plant_best = 1e9, tracker_best = 1e9, fleet_best = 1e9;
    pv::PlantConfig fixed;
    fixed.name = "fixed";
    fixed.dc_capacity_mw = 100.0;
    pv::PlantConfig tracker = fixed;
    tracker.mounting = pv::Mounting::kSingleAxis;
    std::vector<pv::PlantConfig> fleet;
    for (int i = 0; i < 10; ++i) fleet.push_back(i % 2 ? tracker : fixed);
    for (int r = 0; r < reps; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      const pv::SunTerms sun = pv::ComputeSunTerms(axis, pv::SunAt::kMidpoint, site);
      const double ts = SecondsSince(t0);
      t0 = std::chrono::steady_clock::now();
      const pv::Weather w = pv::SynthesizeWeather({}, axis, sun, site);
      const double tw = SecondsSince(t0);
      t0 = std::chrono::steady_clock::now();
      const pv::PlantOutput po = pv::SimulatePlant(fixed, axis, sun, w);
      const double tp = SecondsSince(t0);
      t0 = std::chrono::steady_clock::now();
      const pv::PlantOutput pt = pv::SimulatePlant(tracker, axis, sun, w);
      const double tt = SecondsSince(t0);
      t0 = std::chrono::steady_clock::now();
      const pv::FleetResult fr = pv::SimulateFleet(fleet, axis, sun, w);
      const double tf = SecondsSince(t0);
      if (r == 0) {
        sun_cold = ts;
        weather_cold = tw;
        plant_cold = tp;
      }
      sun_best = std::min(sun_best, ts);
      weather_best = std::min(weather_best, tw);
      plant_best = std::min(plant_best, tp);
      tracker_best = std::min(tracker_best, tt);
      fleet_best = std::min(fleet_best, tf);
    }
    fmt::print("\nPV chain, {} steps (ms; cold = first run in the process, warm = best of {})\n", axis.count, reps);
    fmt::print("{:<34} {:>10} {:>10}\n", "stage", "cold", "warm");
    fmt::print("{:<34} {:>10.2f} {:>10.2f}\n", "sun terms (SPA, once per fleet)", sun_cold * 1e3, sun_best * 1e3);
    fmt::print("{:<34} {:>10.2f} {:>10.2f}\n", "synthetic weather", weather_cold * 1e3, weather_best * 1e3);
    fmt::print("{:<34} {:>10.2f} {:>10.2f}\n", "one fixed plant (POA to AC)", plant_cold * 1e3, plant_best * 1e3);
    fmt::print("{:<34} {:>10} {:>10.2f}\n", "one tracker plant", "", tracker_best * 1e3);
    fmt::print("{:<34} {:>10.2f} {:>10.2f}\n", "weather to AC, one fixed plant", (sun_cold + plant_cold) * 1e3,
               (sun_best + plant_best) * 1e3);
    fmt::print("{:<34} {:>10} {:>10.2f}\n", "10-plant fleet (shared sun pass)", "", (sun_best + fleet_best) * 1e3);
  }
  return 0;
}
