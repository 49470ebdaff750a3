#include "sim/io/schema.h"

#include <stdexcept>
#include <string>

namespace essim::io {
namespace {

using FT = FieldType;

Section CsvSeriesSection(std::string path, std::string what, std::string_view default_column) {
  Section s{std::move(path), "A series read from CSV: " + what +
                                 ". The file has a `time` column (ISO 8601 with offset, interval "
                                 "start) and a value column; its step equals the run step or "
                                 "divides/multiplies it (finer data are averaged, coarser held).",
            {}};
  s.fields = {
      {.name = "source", .type = FT::kEnum, .required = true, .doc = "where the series comes from", .choices = {"csv"}},
      {.name = "path", .type = FT::kPath, .required = true, .doc = "CSV file, relative to the scenario file that names it"},
      {.name = "column", .type = FT::kString, .default_text = default_column, .doc = "value column, in the unit its name states (MW, yuan/MWh)"},
      {.name = "repeat_yearly", .type = FT::kBool, .default_text = "false", .doc = "the file covers the first year of the run; later years repeat it by local calendar date and time (29 February from 28 February)"},
  };
  return s;
}

std::vector<Section> Build() {
  std::vector<Section> s;
  s.push_back({"", "A scenario file. Paths are relative to the file that names them; `output.dir` is relative to the working directory.",
               {
                   {.name = "name", .type = FT::kString, .required = true, .doc = "scenario name (used in the default output folder)"},
                   {.name = "description", .type = FT::kString, .doc = "free text"},
                   {.name = "extends", .type = FT::kPath, .doc = "a scenario this file is merged onto (mappings merge key by key, this file wins; lists are replaced whole)"},
                   {.name = "time", .type = FT::kSection, .required = true, .doc = "simulated period and step"},
                   {.name = "site", .type = FT::kSection, .doc = "location of the node"},
                   {.name = "weather", .type = FT::kSection, .doc = "weather for weather-driven PV"},
                   {.name = "pv", .type = FT::kSection, .doc = "PV available at the node (absent: no PV)"},
                   {.name = "load", .type = FT::kSeries, .dim = Dim::kPower, .default_text = "0 MW", .doc = "local load at the node: a constant or a CSV series", .lo = 0},
                   {.name = "storage", .type = FT::kSection, .required = true, .doc = "the storage station"},
                   {.name = "grid", .type = FT::kSection, .doc = "limits at the point of interconnection"},
                   {.name = "market", .type = FT::kSection, .required = true, .doc = "prices and capacity compensation"},
                   {.name = "dispatch", .type = FT::kSection, .required = true, .doc = "the dispatch strategy and its parameters"},
                   {.name = "output", .type = FT::kSection, .doc = "where and what to write"},
                   {.name = "compare", .type = FT::kSection, .doc = "strategies and named variants for `essim compare`"},
               }});
  s.push_back({"time", "The simulated period: `start` and either `end` or `duration`; the step must divide it.",
               {
                   {.name = "start", .type = FT::kTime, .required = true, .doc = "start of the first step; its UTC offset is the local clock for schedules and tariffs"},
                   {.name = "end", .type = FT::kTime, .doc = "end of the last step (exclusive)"},
                   {.name = "duration", .type = FT::kQuantity, .dim = Dim::kDuration, .doc = "length of the period, instead of `end`", .lo = 0, .lo_open = true},
                   {.name = "step", .type = FT::kQuantity, .dim = Dim::kDuration, .default_text = "15 min", .doc = "time step", .lo = 60, .hi = 3600},
               }});
  s.push_back({"site", "Where the node is (used by weather-driven PV).",
               {
                   {.name = "latitude", .type = FT::kQuantity, .dim = Dim::kAngle, .required = true, .doc = "north positive", .lo = -90, .hi = 90},
                   {.name = "longitude", .type = FT::kQuantity, .dim = Dim::kAngle, .required = true, .doc = "east positive", .lo = -180, .hi = 180},
                   {.name = "altitude", .type = FT::kQuantity, .dim = Dim::kLength, .default_text = "0 m", .doc = "above sea level", .lo = -500, .hi = 9000},
               }});
  s.push_back({"weather", "Weather for weather-driven PV (`pv.source: plants`): seeded synthetic weather for the site, or a CSV file.",
               {
                   {.name = "source", .type = FT::kEnum, .default_text = "synthetic", .doc = "`synthetic` or `csv`", .choices = {"synthetic", "csv"}},
                   {.name = "path", .type = FT::kPath, .doc = "CSV with `time, ghi_w_m2, dni_w_m2, dhi_w_m2, temp_air_c, wind_speed_m_s` (DNI and DHI optional: Erbs decomposition); its step equals the run step or is a multiple of it"},
                   {.name = "repeat_yearly", .type = FT::kBool, .default_text = "false", .doc = "with `source: csv`: the file covers the first year of the run; later years repeat it by local date and time (the sun is computed for every year)"},
                   {.name = "solar_position_at", .type = FT::kEnum, .default_text = "midpoint", .doc = "where in each interval the sun is computed: `midpoint` (interval averages labelled by the interval start) or `instant`", .choices = {"midpoint", "instant"}},
                   {.name = "seed", .type = FT::kInteger, .default_text = "7", .doc = "random seed of the synthetic weather (same seed, same weather)", .lo = 0, .hi = 9007199254740992.0},
                   {.name = "linke_turbidity", .type = FT::kList, .doc = "12 monthly Linke turbidity values for the Ineichen-Perez clear sky (default: Hexi corridor, typical 2.8-4.0)"},
                   {.name = "temperature_mean", .type = FT::kList, .doc = "12 monthly mean air temperatures, e.g. [-9.7 degC, ...] (default: Jiayuguan)"},
                   {.name = "temperature_range", .type = FT::kList, .doc = "12 monthly mean daily ranges (max − min), degC (default 13-15 degC)"},
                   {.name = "wind_speed", .type = FT::kQuantity, .dim = Dim::kSpeed, .default_text = "3.3 m/s", .doc = "mean wind speed at module height", .lo = 0},
                   {.name = "clear_day_persistence", .type = FT::kRatio, .default_text = "76 %", .doc = "probability that a clear day follows a clear day (calibrated to Jiayuguan's ≈ 1650 kWh/m² GHI)", .lo = 0, .hi = 1},
                   {.name = "cloudy_day_persistence", .type = FT::kRatio, .default_text = "55 %", .doc = "probability that a cloudy day follows a cloudy day", .lo = 0, .hi = 1},
               }});
  s.push_back({"pv", "PV available at the node: weather-driven plants, or a measured/modelled AC profile from CSV.",
               {
                   {.name = "source", .type = FT::kEnum, .default_text = "none", .doc = "`plants`: weather-driven plant models; `csv`: an AC profile; `none`: no PV", .choices = {"none", "csv", "plants"}},
                   {.name = "plants", .type = FT::kList, .doc = "the fleet (with `source: plants`, see `pv.plants[]`)"},
                   {.name = "path", .type = FT::kPath, .doc = "CSV file (with `source: csv`)"},
                   {.name = "column", .type = FT::kString, .default_text = "pv_mw", .doc = "value column, MW (with `source: csv`)"},
                   {.name = "repeat_yearly", .type = FT::kBool, .default_text = "false", .doc = "with `source: csv`: the file covers the first year of the run; later years repeat it by local date and time"},
                   {.name = "rated", .type = FT::kQuantity, .dim = Dim::kPower, .doc = "capacity the CSV profile represents", .lo = 0, .lo_open = true},
                   {.name = "scale_to", .type = FT::kQuantity, .dim = Dim::kPower, .doc = "capacity to simulate: values × scale_to / rated", .lo = 0, .lo_open = true},
               }});
  s.push_back({"pv.plants[]", "One PV plant: PVWatts DC and inverter models on plane-of-array irradiance.",
               {
                   {.name = "name", .type = FT::kString, .required = true, .doc = "unique name (output columns `...[<name>]`)"},
                   {.name = "dc_capacity", .type = FT::kQuantity, .dim = Dim::kPower, .required = true, .doc = "DC nameplate at STC", .lo = 0, .lo_open = true},
                   {.name = "dc_ac_ratio", .type = FT::kNumber, .default_text = "1.25", .doc = "DC nameplate / inverter AC rating", .lo = 0.5, .hi = 3.0},
                   {.name = "mounting", .type = FT::kSection, .doc = "fixed tilt or single-axis tracker (see `pv.plants[].mounting`)"},
                   {.name = "sky_model", .type = FT::kEnum, .default_text = "perez", .doc = "sky diffuse transposition: Perez 1990, Hay-Davies 1980, isotropic", .choices = {"perez", "haydavies", "isotropic"}},
                   {.name = "albedo", .type = FT::kRatio, .default_text = "25 %", .doc = "ground reflectance (Gobi gravel, typical)", .lo = 0, .hi = 1},
                   {.name = "iam", .type = FT::kEnum, .default_text = "ashrae", .doc = "beam incidence-angle modifier: ASHRAE (b0 = 0.05), physical (De Soto 2006), none", .choices = {"ashrae", "physical", "none"}},
                   {.name = "temperature_model", .type = FT::kEnum, .default_text = "sapm", .doc = "cell temperature: SAPM (King 2004) or Faiman (2008)", .choices = {"sapm", "faiman"}},
                   {.name = "sapm_parameters", .type = FT::kEnum, .default_text = "open_rack_glass_glass", .doc = "SAPM parameter set (King 2004 Table 1)", .choices = {"open_rack_glass_glass", "close_mount_glass_glass", "open_rack_glass_polymer", "insulated_back_glass_polymer"}},
                   {.name = "faiman_u0", .type = FT::kNumber, .default_text = "25", .doc = "Faiman U0, W/(m²·K)", .lo = 0, .lo_open = true},
                   {.name = "faiman_u1", .type = FT::kNumber, .default_text = "6.84", .doc = "Faiman U1, W·s/(m³·K)", .lo = 0},
                   {.name = "temperature_coefficient", .type = FT::kQuantity, .dim = Dim::kTempCoefficient, .default_text = "-0.35 %/degC", .doc = "DC power temperature coefficient (PVWatts)", .lo = -0.02, .hi = 0.0},
                   {.name = "inverter_efficiency", .type = FT::kRatio, .default_text = "96 %", .doc = "PVWatts nominal inverter efficiency", .lo = 0, .hi = 1, .lo_open = true},
                   {.name = "losses", .type = FT::kSection, .doc = "DC losses (see `pv.plants[].losses`)"},
                   {.name = "degradation", .type = FT::kQuantity, .dim = Dim::kRatePerDay, .default_text = "0.5 %/yr", .doc = "annual power degradation from `commissioned`", .lo = 0, .hi = 0.0001},
                   {.name = "commissioned", .type = FT::kTime, .doc = "start of degradation (absent: start of the run)"},
               }});
  s.push_back({"pv.plants[].mounting", "How the modules are held.",
               {
                   {.name = "type", .type = FT::kEnum, .default_text = "fixed", .doc = "`fixed` or `single_axis`", .choices = {"fixed", "single_axis"}},
                   {.name = "tilt", .type = FT::kQuantity, .dim = Dim::kAngle, .default_text = "35 deg", .doc = "fixed: surface tilt", .lo = 0, .hi = 90},
                   {.name = "azimuth", .type = FT::kQuantity, .dim = Dim::kAngle, .default_text = "180 deg", .doc = "fixed: surface azimuth, clockwise from north (180 = south)", .lo = 0, .hi = 360},
                   {.name = "axis_tilt", .type = FT::kQuantity, .dim = Dim::kAngle, .default_text = "0 deg", .doc = "tracker: axis tilt", .lo = 0, .hi = 45},
                   {.name = "axis_azimuth", .type = FT::kQuantity, .dim = Dim::kAngle, .default_text = "180 deg", .doc = "tracker: axis direction, clockwise from north (180 = north-south axis)", .lo = 0, .hi = 360},
                   {.name = "max_angle", .type = FT::kQuantity, .dim = Dim::kAngle, .default_text = "60 deg", .doc = "tracker: rotation limit", .lo = 0, .hi = 90, .lo_open = true},
                   {.name = "backtrack", .type = FT::kBool, .default_text = "true", .doc = "tracker: backtracking to avoid row-to-row shade"},
                   {.name = "gcr", .type = FT::kRatio, .default_text = "35 %", .doc = "tracker: ground coverage ratio", .lo = 0, .hi = 1, .lo_open = true, .hi_open = true},
               }});
  s.push_back({"pv.plants[].losses", "DC derates, multiplied together (PVWatts-style).",
               {
                   {.name = "soiling", .type = FT::kList, .default_text = "2 %", .doc = "a fraction, or 12 monthly fractions (Jiayuguan 2-5 %/yr with cleaning, more after spring dust storms)"},
                   {.name = "mismatch", .type = FT::kRatio, .default_text = "2 %", .doc = "module mismatch", .lo = 0, .hi = 1, .hi_open = true},
                   {.name = "wiring", .type = FT::kRatio, .default_text = "2 %", .doc = "DC wiring", .lo = 0, .hi = 1, .hi_open = true},
                   {.name = "availability", .type = FT::kRatio, .default_text = "0 %", .doc = "plant unavailability", .lo = 0, .hi = 1, .hi_open = true},
                   {.name = "other", .type = FT::kRatio, .default_text = "0 %", .doc = "anything else (shading, LID, nameplate)", .lo = 0, .hi = 1, .hi_open = true},
               }});
  s.push_back(CsvSeriesSection("load", "local load, MW", "load_mw"));
  s.push_back({"storage", "The station: phases of power and energy behind one point of interconnection.",
               {
                   {.name = "phases", .type = FT::kList, .required = true, .doc = "one or more phases (see `storage.phases[]`)"},
                   {.name = "soc", .type = FT::kSection, .doc = "state-of-charge window"},
                   {.name = "efficiency", .type = FT::kSection, .doc = "one-way conversion efficiencies"},
                   {.name = "self_discharge", .type = FT::kQuantity, .dim = Dim::kRatePerDay, .default_text = "0.05 %/day", .doc = "stored energy lost per day (LFP 1-3 %/month, typical)", .lo = 0, .hi = 1, .hi_open = true},
                   {.name = "ramp_limit", .type = FT::kQuantity, .dim = Dim::kRampRate, .doc = "max change of net POI power between steps (absent: none)", .lo = 0, .lo_open = true},
                   {.name = "conversion", .type = FT::kSection, .doc = "the physical conversion chain the engine applies (absent: the constant `efficiency` above)"},
                   {.name = "auxiliary", .type = FT::kSection, .doc = "auxiliary load driven by ambient temperature and throughput (absent: constant `aux_power`)"},
                   {.name = "ageing", .type = FT::kSection, .doc = "cycle and calendar capacity fade, fed back into usable energy (absent: no ageing)"},
                   {.name = "forced_outages", .type = FT::kSection, .doc = "seeded random outages of each phase's units (absent: none)"},
               }});
  s.push_back({"storage.conversion", "The conversion chain per phase, POI → main transformer (330 kV) → skid transformers (0.69/35 kV) → PCS → battery. Replaces the constant `efficiency` in the engine (the optimizer keeps planning with `efficiency`). Transformer sizes and losses are fractions of the phase's power; losses are reported by cause.",
               {
                   {.name = "pcs_curve", .type = FT::kList, .doc = "one-way PCS efficiency by AC load fraction, `[{load: 10 %, efficiency: 96 %}, ...]`, interpolated linearly and held beyond the ends (absent: `pcs_efficiency`)"},
                   {.name = "pcs_efficiency", .type = FT::kRatio, .default_text = "98 %", .doc = "constant one-way PCS efficiency when no curve (typical 96-98 %)", .lo = 0, .hi = 1, .lo_open = true},
                   {.name = "battery_efficiency", .type = FT::kRatio, .default_text = "98.5 %", .doc = "constant one-way DC efficiency (cells, BMS, DC cabling; typical 97-99 %)", .lo = 0, .hi = 1, .lo_open = true},
                   {.name = "battery_loss_at_rated", .type = FT::kRatio, .doc = "resistive DC loss instead: ∝ current², this fraction of rated power at rated power (e.g. 1.5 %)", .lo = 0, .hi = 0.5, .lo_open = true},
                   {.name = "skid_transformer", .type = FT::kSection, .doc = "0.69/35 kV skid transformers of the phase, aggregated (see `storage.conversion.*_transformer`)"},
                   {.name = "main_transformer", .type = FT::kSection, .doc = "330 kV main transformer of the phase"},
               }});
  s.push_back({"storage.conversion.pcs_curve[]", "One point of the PCS efficiency curve.",
               {
                   {.name = "load", .type = FT::kRatio, .required = true, .doc = "AC power / the phase's power; increasing along the list", .lo = 0, .lo_open = true},
                   {.name = "efficiency", .type = FT::kRatio, .required = true, .doc = "one-way efficiency at that load", .lo = 0, .hi = 1, .lo_open = true},
               }});
  s.push_back({"storage.conversion.*_transformer", "A transformer: no-load loss while energized (drawn at the POI like the auxiliary load) and load loss ∝ (S/S_rated)² at unity power factor. Defaults: DOMAIN.md typical values (skid: no-load 0.1 %, load 0.9 %; main: no-load 0.03 %, load 0.2 %).",
               {
                   {.name = "rating", .type = FT::kRatio, .default_text = "100 %", .doc = "rating as a fraction of the phase's power", .lo = 0, .hi = 10, .lo_open = true},
                   {.name = "no_load", .type = FT::kRatio, .doc = "no-load loss, fraction of rating (skid 0.1 %, main 0.03 %)", .lo = 0, .hi = 0.1},
                   {.name = "load_loss", .type = FT::kRatio, .doc = "load loss at rated load, fraction of rating (skid 0.9 %, main 0.2 %)", .lo = 0, .hi = 0.2},
               }});
  s.push_back({"storage.auxiliary", "Auxiliary load of each phase: `aux_power` × (1 + cooling × (T − cool_above)⁺ + heating × (heat_below − T)⁺) + throughput × |POI power of the previous step|, T the ambient temperature (the weather's `temp_air_c`, or `ambient` without weather). The HVAC holds the cells at T clamped to [heat_below, cool_above] (used by calendar ageing).",
               {
                   {.name = "cool_above", .type = FT::kQuantity, .dim = Dim::kTemperature, .default_text = "25 degC", .doc = "cooling set temperature"},
                   {.name = "heat_below", .type = FT::kQuantity, .dim = Dim::kTemperature, .default_text = "10 degC", .doc = "heating set temperature (<= cool_above)"},
                   {.name = "cooling", .type = FT::kQuantity, .dim = Dim::kTempCoefficient, .default_text = "0 %/degC", .doc = "extra load per °C above cool_above, fraction of `aux_power`", .lo = 0},
                   {.name = "heating", .type = FT::kQuantity, .dim = Dim::kTempCoefficient, .default_text = "0 %/degC", .doc = "extra load per °C below heat_below, fraction of `aux_power`", .lo = 0},
                   {.name = "throughput", .type = FT::kRatio, .default_text = "0 %", .doc = "load proportional to the power through the phase (heat of conversion), fraction", .lo = 0, .hi = 0.2},
                   {.name = "ambient", .type = FT::kQuantity, .dim = Dim::kTemperature, .default_text = "20 degC", .doc = "ambient temperature when the scenario has no weather"},
               }});
  s.push_back({"storage.ageing", "Capacity fade of each phase, applied daily to its usable energy: cycle fade by rainflow counting (ASTM E1049-85) of the SOC trace and a depth-of-discharge stress table (Palmgren-Miner, as NREL SAM's table model); calendar fade k·√t with k = a·exp(b(1/T − 1/296))·exp(c(SOC/T − 1/296)) (Smith et al. 2017, NREL SAM's lithium-ion model; T cell temperature in K, SOC the day's mean, t days), integrated in time-equivalent form. Energy above a faded SOC max is booked as fade loss.",
               {
                   {.name = "cycle_life", .type = FT::kList, .doc = "`[{depth: 80 %, cycles: 7000}, ...]`: full cycles of that depth until `table_fade` (default: LFP, typical: 10 % 60000, 20 % 28000, 40 % 13000, 60 % 9000, 80 % 7000, 100 % 6000), log-log interpolated"},
                   {.name = "table_fade", .type = FT::kRatio, .default_text = "20 %", .doc = "fade at which `cycle_life` counts are reached (20 %: cycles to 80 %)", .lo = 0, .hi = 1, .lo_open = true},
                   {.name = "calendar_a", .type = FT::kNumber, .default_text = "2.66e-3", .doc = "calendar coefficient a, 1/√day (SAM default)", .lo = 0},
                   {.name = "calendar_b", .type = FT::kNumber, .default_text = "-7280", .doc = "calendar coefficient b, K (SAM default)"},
                   {.name = "calendar_c", .type = FT::kNumber, .default_text = "930", .doc = "calendar coefficient c, K (SAM default)"},
                   {.name = "end_of_life", .type = FT::kRatio, .default_text = "70 %", .doc = "state of health defining end of life, for the projected end-of-life year", .lo = 0, .hi = 1, .lo_open = true, .hi_open = true},
                   {.name = "augment_below", .type = FT::kRatio, .doc = "add fresh energy to a phase when its state of health falls below this (absent: never)", .lo = 0, .hi = 1, .lo_open = true, .hi_open = true},
                   {.name = "augment_to", .type = FT::kRatio, .default_text = "100 %", .doc = "... restoring its usable energy to this fraction of its original energy", .lo = 0, .hi = 2, .lo_open = true},
               }});
  s.push_back({"storage.ageing.cycle_life[]", "One point of the cycle-life table.",
               {
                   {.name = "depth", .type = FT::kRatio, .required = true, .doc = "depth of discharge (SOC range of a cycle); increasing along the list", .lo = 0, .hi = 1, .lo_open = true},
                   {.name = "cycles", .type = FT::kNumber, .required = true, .doc = "full cycles of that depth until `table_fade`", .lo = 0, .lo_open = true},
               }});
  s.push_back({"storage.forced_outages", "Random forced outages: each phase is split into units of `unit_power`; each unit fails after an exponential time (mean `mtbf`) and is repaired after another (mean `mttr`), from a seeded stream per phase. An out-of-service unit takes its share of the phase's power and energy; dispatch sees availability only as it happens.",
               {
                   {.name = "unit_power", .type = FT::kQuantity, .dim = Dim::kPower, .required = true, .doc = "power of one unit (e.g. a 5 MW PCS skid with its batteries)", .lo = 0, .lo_open = true},
                   {.name = "mtbf", .type = FT::kQuantity, .dim = Dim::kDuration, .required = true, .doc = "mean time between failures of one unit", .lo = 0, .lo_open = true},
                   {.name = "mttr", .type = FT::kQuantity, .dim = Dim::kDuration, .required = true, .doc = "mean time to repair", .lo = 0, .lo_open = true},
                   {.name = "seed", .type = FT::kInteger, .default_text = "1", .doc = "random seed (same seed, same outages)", .lo = 0, .hi = 9007199254740992.0},
               }});
  s.push_back({"storage.phases[]", "One phase of the station. Zero power and energy before `in_service`; it then starts at `soc.initial`.",
               {
                   {.name = "name", .type = FT::kString, .required = true, .doc = "unique name (output columns `soc_mwh[<name>]`)"},
                   {.name = "power", .type = FT::kQuantity, .dim = Dim::kPower, .required = true, .doc = "rated power at the POI", .lo = 0, .lo_open = true},
                   {.name = "energy", .type = FT::kQuantity, .dim = Dim::kEnergy, .required = true, .doc = "nameplate stored energy", .lo = 0, .lo_open = true},
                   {.name = "in_service", .type = FT::kTime, .doc = "commissioning time (absent: in service from the start)"},
                   {.name = "aux_power", .type = FT::kQuantity, .dim = Dim::kPower, .default_text = "0 MW", .doc = "auxiliary load (HVAC, controls) while in service, drawn at the POI (the base of `storage.auxiliary` when given)", .lo = 0},
                   {.name = "outages", .type = FT::kList, .doc = "planned outages, `[{start: ..., end: ..., fraction: 50 %}, ...]`: that fraction of the phase's power and energy out of service over [start, end)"},
                   {.name = "augmentation", .type = FT::kList, .doc = "energy added at a date, `[{at: 2032-01-01T00:00:00+08:00, energy: 100 MWh}, ...]` (fresh cells, ageing from then on)"},
               }});
  s.push_back({"storage.phases[].outages[]", "A planned outage of part of a phase.",
               {
                   {.name = "start", .type = FT::kTime, .required = true, .doc = "first instant out of service"},
                   {.name = "end", .type = FT::kTime, .required = true, .doc = "back in service (exclusive); after start"},
                   {.name = "fraction", .type = FT::kRatio, .default_text = "100 %", .doc = "share of the phase out of service", .lo = 0, .hi = 1, .lo_open = true},
               }});
  s.push_back({"storage.phases[].augmentation[]", "Energy added to a phase.",
               {
                   {.name = "at", .type = FT::kTime, .required = true, .doc = "when it is added"},
                   {.name = "energy", .type = FT::kQuantity, .dim = Dim::kEnergy, .required = true, .doc = "nameplate energy added", .lo = 0, .lo_open = true},
               }});
  s.push_back({"storage.soc", "State-of-charge window, as fractions of each phase's energy.",
               {
                   {.name = "min", .type = FT::kRatio, .default_text = "5 %", .doc = "lowest SOC dispatch may reach", .lo = 0, .hi = 1, .hi_open = true},
                   {.name = "max", .type = FT::kRatio, .default_text = "95 %", .doc = "highest SOC dispatch may reach; > min", .lo = 0, .hi = 1, .lo_open = true},
                   {.name = "initial", .type = FT::kRatio, .default_text = "50 %", .doc = "SOC at the start and at commissioning; within [min, max]", .lo = 0, .hi = 1},
               }});
  s.push_back({"storage.efficiency", "One-way efficiencies between the POI and stored energy (AC round trip = charge × discharge).",
               {
                   {.name = "charge", .type = FT::kRatio, .default_text = "92.2 %", .doc = "stored / energy taken at the POI", .lo = 0, .hi = 1, .lo_open = true},
                   {.name = "discharge", .type = FT::kRatio, .default_text = "92.2 %", .doc = "energy delivered at the POI / stored energy drawn", .lo = 0, .hi = 1, .lo_open = true},
               }});
  s.push_back({"grid", "The point of interconnection. Limits are constants or CSV series; absent means unlimited.",
               {
                   {.name = "export_limit", .type = FT::kSeries, .dim = Dim::kPower, .doc = "max export from the node; PV above what load, charging and export take is curtailed", .lo = 0},
                   {.name = "import_limit", .type = FT::kSeries, .dim = Dim::kPower, .doc = "max import into the node; bounds grid charging (the load, auxiliaries and the standby charge holding SOC min are served beyond it)", .lo = 0},
                   {.name = "allow_grid_charging", .type = FT::kBool, .default_text = "true", .doc = "may the station charge from imported energy (false: from PV surplus only, apart from the standby charge that holds SOC min)"},
               }});
  s.push_back(CsvSeriesSection("grid.export_limit", "export limit, MW", "export_limit_mw"));
  s.push_back(CsvSeriesSection("grid.import_limit", "import limit, MW", "import_limit_mw"));
  s.push_back({"market", "Prices the station settles at, and capacity compensation.",
               {
                   {.name = "energy_price", .type = FT::kSeries, .dim = Dim::kPrice, .required = true, .doc = "a constant, a CSV series, or time-of-use periods (see `market.energy_price`)"},
                   {.name = "floor", .type = FT::kQuantity, .dim = Dim::kPrice, .doc = "prices below are raised to it (Gansu spot: 40 yuan/MWh)"},
                   {.name = "cap", .type = FT::kQuantity, .dim = Dim::kPrice, .doc = "prices above are lowered to it (Gansu spot before 2026: 650 yuan/MWh)"},
                   {.name = "escalation", .type = FT::kQuantity, .dim = Dim::kRatePerDay, .default_text = "0 %/yr", .doc = "energy prices (after floor and cap) grow by this each year from `time.start`, compounded yearly (many-year runs)", .lo = -0.01, .hi = 0.01},
                   {.name = "capacity_compensation", .type = FT::kSection, .doc = "yuan/kW/yr on credited power, pro-rated over the period in service"},
               }});
  s.push_back({"market.energy_price", "Energy price as a mapping: `source: csv` (with `path`, `column`) or `source: tou` (with `periods`, optional `months`).",
               {
                   {.name = "source", .type = FT::kEnum, .required = true, .doc = "`csv` or `tou` (time of use)", .choices = {"csv", "tou"}},
                   {.name = "path", .type = FT::kPath, .doc = "CSV file (source csv)"},
                   {.name = "column", .type = FT::kString, .default_text = "price_yuan_per_mwh", .doc = "value column, yuan/MWh (source csv)"},
                   {.name = "repeat_yearly", .type = FT::kBool, .default_text = "false", .doc = "source csv: the file covers the first year of the run; later years repeat it by local date and time (`escalation` applies on top)"},
                   {.name = "periods", .type = FT::kList, .doc = "daily periods covering 24 h exactly once (source tou)"},
                   {.name = "months", .type = FT::kList, .doc = "month overrides, each `{months: [6, 7, 8], periods: [...]}`; the first naming a month wins (source tou)"},
               }});
  s.push_back({"market.energy_price.periods[]", "One time-of-use period.",
               {
                   {.name = "hours", .type = FT::kClockRange, .required = true, .doc = "local clock range, e.g. \"18:00-22:00\"; may wrap midnight"},
                   {.name = "price", .type = FT::kQuantity, .dim = Dim::kPrice, .required = true, .doc = "energy price in the period"},
               }});
  s.push_back({"market.energy_price.months[]", "A month override of the time-of-use table.",
               {
                   {.name = "months", .type = FT::kList, .required = true, .doc = "months 1-12 the table applies to"},
                   {.name = "periods", .type = FT::kList, .required = true, .doc = "periods as in `market.energy_price.periods[]`"},
               }});
  s.push_back({"market.capacity_compensation", "Capacity revenue = price × Σ phase power × Π factors × time in service / 365 d.",
               {
                   {.name = "price", .type = FT::kQuantity, .dim = Dim::kCapacityPrice, .required = true, .doc = "headline capacity price (Gansu 2026: 330 yuan/kW/yr)", .lo = 0},
                   {.name = "factors", .type = FT::kList, .doc = "credit factors (fractions) multiplied together, e.g. [47.5 %, 98.26 %, 89.53 %]"},
               }});
  s.push_back({"dispatch", "The strategy and the parameters of each strategy (only the chosen one's are used, all are validated).",
               {
                   {.name = "strategy", .type = FT::kEnum, .required = true, .doc = "which strategy runs", .choices = {"idle", "schedule", "price_threshold", "absorb_curtailment", "optimal", "rolling_horizon"}},
                   {.name = "schedule", .type = FT::kSection, .doc = "daily charge/discharge windows"},
                   {.name = "price_threshold", .type = FT::kSection, .doc = "charge below a price, discharge above another"},
                   {.name = "absorb_curtailment", .type = FT::kSection, .doc = "charge from would-be curtailment, discharge in an evening window"},
                   {.name = "optimal", .type = FT::kSection, .doc = "perfect-foresight optimum (LP/QP)"},
                   {.name = "rolling_horizon", .type = FT::kSection, .doc = "replanning on forecasts over a moving horizon"},
               }});
  s.push_back({"dispatch.schedule", "Fixed daily windows (local clock).",
               {
                   {.name = "windows", .type = FT::kList, .required = true, .doc = "non-overlapping windows (see `dispatch.schedule.windows[]`)"},
               }});
  s.push_back({"dispatch.schedule.windows[]", "One daily window.",
               {
                   {.name = "hours", .type = FT::kClockRange, .required = true, .doc = "local clock range, may wrap midnight"},
                   {.name = "action", .type = FT::kEnum, .required = true, .doc = "what to do in the window", .choices = {"charge", "discharge"}},
                   {.name = "power", .type = FT::kQuantity, .dim = Dim::kPower, .doc = "target at the POI (absent: rated power in service)", .lo = 0, .lo_open = true},
               }});
  s.push_back({"dispatch.price_threshold", "Charge at or below one price, discharge at or above another.",
               {
                   {.name = "charge_below", .type = FT::kQuantity, .dim = Dim::kPrice, .required = true, .doc = "charge when price <= this"},
                   {.name = "discharge_above", .type = FT::kQuantity, .dim = Dim::kPrice, .required = true, .doc = "discharge when price >= this; > charge_below"},
                   {.name = "charge_power", .type = FT::kQuantity, .dim = Dim::kPower, .doc = "charge target (absent: rated)", .lo = 0, .lo_open = true},
                   {.name = "discharge_power", .type = FT::kQuantity, .dim = Dim::kPower, .doc = "discharge target (absent: rated)", .lo = 0, .lo_open = true},
               }});
  s.push_back({"dispatch.absorb_curtailment", "Charge whatever PV the export limit would curtail; discharge stored energy evenly over a window, or when the price is high.",
               {
                   {.name = "discharge_window", .type = FT::kClockRange, .default_text = "18:00-22:00", .doc = "local window over which stored energy is spread evenly; `none` for no window"},
                   {.name = "discharge_above", .type = FT::kQuantity, .dim = Dim::kPrice, .doc = "also discharge outside the window when price >= this"},
                   {.name = "charge_below", .type = FT::kQuantity, .dim = Dim::kPrice, .doc = "also charge from any PV surplus when price <= this"},
                   {.name = "discharge_power", .type = FT::kQuantity, .dim = Dim::kPower, .doc = "cap on discharge (absent: rated)", .lo = 0, .lo_open = true},
               }});
  s.push_back({"dispatch.optimal", "Perfect-foresight optimum: one LP over the run (or windows with SOC carried across) maximizing energy revenue − charging cost − wear − curtailment penalty, solved by essim's interior-point solver; the plan then runs through the station physics like any strategy's setpoints.",
               {
                   {.name = "wear_cost", .type = FT::kQuantity, .dim = Dim::kPrice, .default_text = "0 yuan/MWh", .doc = "throughput (wear) cost on energy discharged at the POI", .lo = 0},
                   {.name = "curtailment_penalty", .type = FT::kQuantity, .dim = Dim::kPrice, .default_text = "0 yuan/MWh", .doc = "cost of curtailed PV", .lo = 0},
                   {.name = "terminal_soc", .type = FT::kRatio, .doc = "SOC at least this at the end of the run (and of each window); absent = soc.initial. A window that cannot reach it (no grid charging, too little PV) ends at least where idling would leave it, less 0.01 %", .lo = 0, .hi = 1},
                   {.name = "max_cycles_per_day", .type = FT::kNumber, .doc = "cap on equivalent full cycles per local day (breaks the banded structure)", .lo = 0, .lo_open = true},
                   {.name = "window", .type = FT::kQuantity, .dim = Dim::kDuration, .doc = "solve windows of this length with SOC carried across (absent: the whole run)", .lo = 0, .lo_open = true},
                   {.name = "power_cost", .type = FT::kNumber, .default_text = "0", .doc = "quadratic cost ½·q·(charge² + discharge²)·dt in yuan/(MW²·h): q > 0 makes a QP that spreads power", .lo = 0},
                   {.name = "planned_outages_known", .type = FT::kBool, .default_text = "false", .doc = "plan with the phases' planned outages (their power bounds scaled by availability); forced outages are never known in advance"},
               }});
  s.push_back({"dispatch.rolling_horizon", "Rolling horizon: every `replan_every` the station forecasts PV, load and price over `horizon` (export and import limits are taken as known), solves the same LP as `optimal` from the exact state of every phase, and commits the first `commit` of the plan (by default `replan_every`: each plan runs until the next replan). With `commit` longer than `replan_every`, the setpoints are binding `commit` − `replan_every` ahead (a gate closure): a replan keeps what earlier plans committed, plans from the first step not yet committed (from the stored energy those setpoints lead to, through the LP's own efficiencies) and commits its own steps up to `commit` after the decision. Each window's solve starts from the previous window's solution shifted by the replan interval (moved inside its bounds and re-centred); a window whose warm start does not reach the optimum is solved again from the cold start (`solver.cold_restarts`).",
               {
                   {.name = "horizon", .type = FT::kQuantity, .dim = Dim::kDuration, .default_text = "48 h", .doc = "planning horizon", .lo = 0, .lo_open = true},
                   {.name = "replan_every", .type = FT::kQuantity, .dim = Dim::kDuration, .default_text = "1 h", .doc = "time between replans", .lo = 0, .lo_open = true},
                   {.name = "commit", .type = FT::kQuantity, .dim = Dim::kDuration, .doc = "how far ahead of each decision its setpoints are binding (at least `replan_every`, at most `horizon`; absent: `replan_every`)", .lo = 0, .lo_open = true},
                   {.name = "tolerance", .type = FT::kNumber, .default_text = "1e-8", .doc = "relative tolerance of each window's solve (primal, dual and gap, as the solver's default); 1e-6 takes ~14 % fewer iterations on the default year, for plans that differ by less than the forecast error", .lo = 1e-12, .hi = 1e-3},
                   {.name = "terminal_soc", .type = FT::kRatio, .doc = "SOC at least this at each horizon end (instead of a value on stored energy); where a plan cannot reach it, at least where idling would leave it, less 0.01 %", .lo = 0, .hi = 1},
                   {.name = "terminal_value", .type = FT::kQuantity, .dim = Dim::kPrice, .doc = "value of energy left in storage at the horizon end (absent, and no terminal_soc: η_d × mean forecast price)"},
                   {.name = "wear_cost", .type = FT::kQuantity, .dim = Dim::kPrice, .default_text = "0 yuan/MWh", .doc = "as in `dispatch.optimal`", .lo = 0},
                   {.name = "curtailment_penalty", .type = FT::kQuantity, .dim = Dim::kPrice, .default_text = "0 yuan/MWh", .doc = "as in `dispatch.optimal`", .lo = 0},
                   {.name = "planned_outages_known", .type = FT::kBool, .default_text = "false", .doc = "as in `dispatch.optimal`"},
                   {.name = "pv_forecast", .type = FT::kSection, .doc = "forecast model of PV (see `dispatch.rolling_horizon.*_forecast`)"},
                   {.name = "load_forecast", .type = FT::kSection, .doc = "forecast model of the local load"},
                   {.name = "price_forecast", .type = FT::kSection, .doc = "forecast model of the energy price"},
               }});
  s.push_back({"dispatch.rolling_horizon.*_forecast", "One input's forecast model: `perfect` (the actual values), `persistence_day` / `persistence_week` (the same time one day / week before the decision, only past values), `noisy` (the actual value plus a seeded error whose standard deviation at each lead is the stated spread; successive issues evolve as news arrives, as in the martingale model of forecast evolution (Heath & Jackson 1994): each step brings news on the next 24 h of targets, AR(1)-correlated over them (`correlation`), and a forecast issued later differs from an earlier one by the news of the steps between, so issues an hour apart are close and agree beyond 24 h lead; clipped to physical bounds: load ≥ 0; price within the market's `floor` and `cap` (each where `escalation` cannot take prices past it); PV ≥ 0, 0 in steps the sun leaves more than 6° below the horizon throughout (computed from the site), and at most the fleet's AC rating (plants: Σ DC / DC-AC ratio; a CSV profile: `scale_to`, else `rated`, else unbounded by day). A CSV profile with power in such a dark step (more than 2 % of its peak) is on another clock than the site: a warning says so and its forecasts are clipped at 0 only), `csv` (issued forecasts: columns `issue_time`, `target_time` and the value; at each decision the latest issue at or before it is used for each target, else the last known actual).",
               {
                   {.name = "model", .type = FT::kEnum, .default_text = "perfect", .doc = "forecast model", .choices = {"perfect", "persistence_day", "persistence_week", "noisy", "csv"}},
                   {.name = "path", .type = FT::kPath, .doc = "csv: file of issued forecasts"},
                   {.name = "column", .type = FT::kString, .doc = "csv: value column (default pv_mw, load_mw or price_yuan_per_mwh)"},
                   {.name = "sigma_1h", .type = FT::kRatio, .default_text = "5 %", .doc = "noisy: error standard deviation at 1 h lead, fraction of the series' maximum", .lo = 0},
                   {.name = "sigma_24h", .type = FT::kRatio, .default_text = "20 %", .doc = "noisy: at 24 h lead (linear in between, held beyond; never below the spread already reached)", .lo = 0},
                   {.name = "correlation", .type = FT::kQuantity, .dim = Dim::kDuration, .default_text = "6 h", .doc = "noisy: e-folding time of each step's news over its targets (the error's correlation over lead time)", .lo = 0, .lo_open = true},
                   {.name = "seed", .type = FT::kInteger, .default_text = "1", .doc = "noisy: random seed (same seed, same forecasts)", .lo = 0, .hi = 9007199254740992.0},
               }});
  s.push_back({"compare", "What `essim compare` runs when `--strategies` is not given, and named variants it can run.",
               {
                   {.name = "strategies", .type = FT::kList, .doc = "strategy or variant names, e.g. [absorb_curtailment, price_threshold, rh_noisy]"},
                   {.name = "variants", .type = FT::kList, .doc = "named variants, each `{name: rh_noisy, set: [\"dispatch.strategy=rolling_horizon\", ...]}`: `--set` overrides of `dispatch.*` keys only, so every variant runs on the same inputs"},
               }});
  s.push_back({"output", "What a run writes (atomically: temporary files, then rename).",
               {
                   {.name = "dir", .type = FT::kPath, .doc = "output folder, relative to the working directory (default `out/<name>`; `--out` overrides)"},
                   {.name = "timeseries", .type = FT::kBool, .default_text = "true", .doc = "write `timeseries.csv`"},
                   {.name = "pv_detail", .type = FT::kBool, .default_text = "false", .doc = "add sun angles and per-plant AOI, POA, cell temperature, DC and AC power to `timeseries.csv` (with `pv.source: plants`)"},
               }});
  return s;
}

}  // namespace

const std::vector<Section>& ScenarioSections() {
  static const std::vector<Section> kSections = Build();
  return kSections;
}

const Section& SectionAt(std::string_view path) {
  for (const auto& s : ScenarioSections()) {
    if (s.path == path) return s;
  }
  throw std::logic_error("schema: no section " + std::string(path));
}

}  // namespace essim::io
