#!/usr/bin/env python3
"""Makes a representative PV fleet profile (AC MW per step) for a site and a year.

Stand-in for measured PV until the weather-driven PV models are in place. Standard
library only (runs under any Python 3). The method, so the data can be judged:

* Sun position: Spencer (1971) declination and equation of time; hour angle from the
  local standard meridian (UTC offset) and longitude. Accurate to ~0.5 deg, enough
  for a profile.
* Clear-sky GHI: Haurwitz (1945), GHI = 1098 cos(z) exp(-0.057 / cos(z)) W/m2,
  raised by 3 % per 1000 m of altitude (thinner air), and a clear-day clearness of
  0.80-0.95 for dust and aerosol (Hexi corridor); calibrated so the annual GHI lands
  near the regional 1650 kWh/m2.
* Clouds: a daily clearness index from a seeded two-state (clear/cloudy) Markov chain
  with persistence, plus AR(1) intra-day variability within each day.
* Plane of array: fixed tilt facing the equator; beam and diffuse split by the Erbs
  (1982) correlation, isotropic sky diffuse, ground albedo 0.2.
* DC: PVWatts-like, P = P_dc0 * POA/1000 * (1 + gamma (T_cell - 25)), gamma = -0.35 %/K,
  cell temperature from ambient (monthly means, daily cycle) + POA * 0.03 K m2/W;
  14 % system losses. AC: inverter clip at P_dc0 / dc_ac_ratio with 96 % efficiency.

Usage: make_pv_profile.py OUT.csv [--year 2025] [--lat 39.77] [--lon 98.29]
       [--alt 1600] [--utc-offset 8] [--dc-mw 2934] [--dc-ac 1.25] [--tilt 35]
       [--step-min 15] [--seed 7]
"""
import argparse
import math
import random
from datetime import datetime, timedelta, timezone

# Jiayuguan monthly mean temperatures, deg C (January -9.7, July 21.8: local climate records).
MONTHLY_MEAN_C = [-9.7, -5.5, 1.8, 9.6, 15.8, 20.0, 21.8, 20.4, 14.9, 7.6, -0.6, -7.9]


def sun(doy, hour_local, lat, lon, utc_offset_h):
    g = 2 * math.pi * (doy - 1) / 365.0
    decl = (0.006918 - 0.399912 * math.cos(g) + 0.070257 * math.sin(g) - 0.006758 * math.cos(2 * g)
            + 0.000907 * math.sin(2 * g) - 0.002697 * math.cos(3 * g) + 0.00148 * math.sin(3 * g))
    eot_min = 229.18 * (0.000075 + 0.001868 * math.cos(g) - 0.032077 * math.sin(g)
                        - 0.014615 * math.cos(2 * g) - 0.040849 * math.sin(2 * g))
    solar_time = hour_local + (4 * (lon - 15 * utc_offset_h) + eot_min) / 60.0
    ha = math.radians(15 * (solar_time - 12))
    phi = math.radians(lat)
    cosz = math.sin(phi) * math.sin(decl) + math.cos(phi) * math.cos(decl) * math.cos(ha)
    cosz = max(-1.0, min(1.0, cosz))
    z = math.acos(cosz)
    sin_az = -math.sin(ha) * math.cos(decl) / max(math.sin(z), 1e-9)
    cos_az = (math.sin(decl) - math.sin(phi) * cosz) / max(math.cos(phi) * math.sin(z), 1e-9)
    az = math.atan2(sin_az, cos_az)  # from north, clockwise
    return z, az, eot_min


def erbs_diffuse_fraction(kt):
    if kt <= 0.22:
        return 1.0 - 0.09 * kt
    if kt <= 0.80:
        return 0.9511 - 0.1604 * kt + 4.388 * kt**2 - 16.638 * kt**3 + 12.336 * kt**4
    return 0.165


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--lat", type=float, default=39.77)
    ap.add_argument("--lon", type=float, default=98.29)
    ap.add_argument("--alt", type=float, default=1600.0)
    ap.add_argument("--utc-offset", type=int, default=8)
    ap.add_argument("--dc-mw", type=float, default=2934.0)
    ap.add_argument("--dc-ac", type=float, default=1.25)
    ap.add_argument("--tilt", type=float, default=35.0)
    ap.add_argument("--step-min", type=int, default=15)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    tz = timezone(timedelta(hours=a.utc_offset))
    start = datetime(a.year, 1, 1, tzinfo=tz)
    end = datetime(a.year + 1, 1, 1, tzinfo=tz)
    step = timedelta(minutes=a.step_min)
    ac_mw = a.dc_mw / a.dc_ac
    tilt = math.radians(a.tilt)
    alt_gain = 1.0 + 0.03 * a.alt / 1000.0
    state_clear = True
    daily_kc = 1.0
    ar = 0.0
    day = None
    energy = 0.0
    ghi_sum = 0.0
    with open(a.out, "w", newline="\n") as f:
        f.write("# Representative PV fleet AC output, made by tools/make_pv_profile.py\n")
        f.write(f"# lat {a.lat} lon {a.lon} alt {a.alt} m, {a.dc_mw} MWdc, DC/AC {a.dc_ac}, tilt {a.tilt} deg, seed {a.seed}\n")
        f.write("time,pv_mw\n")
        t = start
        while t < end:
            if t.date() != day:
                day = t.date()
                # Clear days persist (Hexi corridor: > 3000 h of sunshine a year).
                p_stay = 0.8 if state_clear else 0.55
                if rng.random() > p_stay:
                    state_clear = not state_clear
                daily_kc = rng.uniform(0.8, 0.95) if state_clear else rng.uniform(0.3, 0.75)
            ar = 0.9 * ar + rng.gauss(0.0, 0.03 if state_clear else 0.12)
            kc = max(0.05, min(1.05, daily_kc + ar))
            mid = t + step / 2
            hour = mid.hour + mid.minute / 60.0 + mid.second / 3600.0
            doy = mid.timetuple().tm_yday
            z, az, _ = sun(doy, hour, a.lat, a.lon, a.utc_offset)
            cosz = math.cos(z)
            p = 0.0
            if cosz > 0.01:
                ghi_cs = 1098.0 * cosz * math.exp(-0.057 / cosz) * alt_gain
                ghi = ghi_cs * kc
                ghi_sum += ghi * a.step_min / 60.0
                e0 = 1367.0 * (1 + 0.033 * math.cos(2 * math.pi * doy / 365.0))
                kt = min(ghi / (e0 * cosz), 1.0)
                dhi = ghi * erbs_diffuse_fraction(kt)
                dni = (ghi - dhi) / cosz
                cos_aoi = cosz * math.cos(tilt) + math.sin(z) * math.sin(tilt) * math.cos(az - math.pi)
                poa = max(0.0, dni * max(cos_aoi, 0.0) + dhi * (1 + math.cos(tilt)) / 2 + ghi * 0.2 * (1 - math.cos(tilt)) / 2)
                tmean = MONTHLY_MEAN_C[mid.month - 1]
                tair = tmean + 6.0 * math.sin(2 * math.pi * (hour - 9.0) / 24.0)
                tcell = tair + 0.03 * poa
                pdc = a.dc_mw * poa / 1000.0 * (1 - 0.0035 * (tcell - 25.0)) * (1 - 0.14)
                p = min(max(pdc * 0.96, 0.0), ac_mw)
            energy += p * a.step_min / 60.0
            f.write(f"{t.isoformat(timespec='seconds')},{p:.3f}\n")
            t += step
    print(f"wrote {a.out}: {energy / 1000.0:.1f} GWh AC, {energy / a.dc_mw:.0f} kWh/kWp, GHI {ghi_sum / 1000.0:.0f} kWh/m2")


if __name__ == "__main__":
    main()
