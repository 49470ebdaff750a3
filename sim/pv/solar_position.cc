#include "sim/pv/solar_position.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace essim::pv {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;

double Rad(double d) { return d * kDeg; }
double Deg(double r) { return r / kDeg; }
double Wrap360(double d) {
  d = std::fmod(d, 360.0);
  return d < 0.0 ? d + 360.0 : d;
}

struct Term {
  double a, b, c;  // A cos(B + C·JME)
};

// Earth periodic terms, Reda & Andreas (2004) Table A4.2 (from VSOP87 via Meeus).
constexpr Term kL0[] = {
    {175347046.0, 0.0, 0.0}, {3341656.0, 4.6692568, 6283.07585}, {34894.0, 4.6261, 12566.1517},
    {3497.0, 2.7441, 5753.3849}, {3418.0, 2.8289, 3.5231}, {3136.0, 3.6277, 77713.7715},
    {2676.0, 4.4181, 7860.4194}, {2343.0, 6.1352, 3930.2097}, {1324.0, 0.7425, 11506.7698},
    {1273.0, 2.0371, 529.691}, {1199.0, 1.1096, 1577.3435}, {990.0, 5.233, 5884.927},
    {902.0, 2.045, 26.298}, {857.0, 3.508, 398.149}, {780.0, 1.179, 5223.694},
    {753.0, 2.533, 5507.553}, {505.0, 4.583, 18849.228}, {492.0, 4.205, 775.523},
    {357.0, 2.92, 0.067}, {317.0, 5.849, 11790.629}, {284.0, 1.899, 796.298},
    {271.0, 0.315, 10977.079}, {243.0, 0.345, 5486.778}, {206.0, 4.806, 2544.314},
    {205.0, 1.869, 5573.143}, {202.0, 2.458, 6069.777}, {156.0, 0.833, 213.299},
    {132.0, 3.411, 2942.463}, {126.0, 1.083, 20.775}, {115.0, 0.645, 0.98},
    {103.0, 0.636, 4694.003}, {102.0, 0.976, 15720.839}, {102.0, 4.267, 7.114},
    {99.0, 6.21, 2146.17}, {98.0, 0.68, 155.42}, {86.0, 5.98, 161000.69},
    {85.0, 1.3, 6275.96}, {85.0, 3.67, 71430.7}, {80.0, 1.81, 17260.15},
    {79.0, 3.04, 12036.46}, {75.0, 1.76, 5088.63}, {74.0, 3.5, 3154.69},
    {74.0, 4.68, 801.82}, {70.0, 0.83, 9437.76}, {62.0, 3.98, 8827.39},
    {61.0, 1.82, 7084.9}, {57.0, 2.78, 6286.6}, {56.0, 4.39, 14143.5},
    {56.0, 3.47, 6279.55}, {52.0, 0.19, 12139.55}, {52.0, 1.33, 1748.02},
    {51.0, 0.28, 5856.48}, {49.0, 0.49, 1194.45}, {41.0, 5.37, 8429.24},
    {41.0, 2.4, 19651.05}, {39.0, 6.17, 10447.39}, {37.0, 6.04, 10213.29},
    {37.0, 2.57, 1059.38}, {36.0, 1.71, 2352.87}, {36.0, 1.78, 6812.77},
    {33.0, 0.59, 17789.85}, {30.0, 0.44, 83996.85}, {30.0, 2.74, 1349.87},
    {25.0, 3.16, 4690.48}};
constexpr Term kL1[] = {
    {628331966747.0, 0.0, 0.0}, {206059.0, 2.678235, 6283.07585}, {4303.0, 2.6351, 12566.1517},
    {425.0, 1.59, 3.523}, {119.0, 5.796, 26.298}, {109.0, 2.966, 1577.344},
    {93.0, 2.59, 18849.23}, {72.0, 1.14, 529.69}, {68.0, 1.87, 398.15},
    {67.0, 4.41, 5507.55}, {59.0, 2.89, 5223.69}, {56.0, 2.17, 155.42},
    {45.0, 0.4, 796.3}, {36.0, 0.47, 775.52}, {29.0, 2.65, 7.11},
    {21.0, 5.34, 0.98}, {19.0, 1.85, 5486.78}, {19.0, 4.97, 213.3},
    {17.0, 2.99, 6275.96}, {16.0, 0.03, 2544.31}, {16.0, 1.43, 2146.17},
    {15.0, 1.21, 10977.08}, {12.0, 2.83, 1748.02}, {12.0, 3.26, 5088.63},
    {12.0, 5.27, 1194.45}, {12.0, 2.08, 4694.0}, {11.0, 0.77, 553.57},
    {10.0, 1.3, 6286.6}, {10.0, 4.24, 1349.87}, {9.0, 2.7, 242.73},
    {9.0, 5.64, 951.72}, {8.0, 5.3, 2352.87}, {6.0, 2.65, 9437.76},
    {6.0, 4.67, 4690.48}};
constexpr Term kL2[] = {
    {52919.0, 0.0, 0.0}, {8720.0, 1.0721, 6283.0758}, {309.0, 0.867, 12566.152},
    {27.0, 0.05, 3.52}, {16.0, 5.19, 26.3}, {16.0, 3.68, 155.42},
    {10.0, 0.76, 18849.23}, {9.0, 2.06, 77713.77}, {7.0, 0.83, 775.52},
    {5.0, 4.66, 1577.34}, {4.0, 1.03, 7.11}, {4.0, 3.44, 5573.14},
    {3.0, 5.14, 796.3}, {3.0, 6.05, 5507.55}, {3.0, 1.19, 242.73},
    {3.0, 6.12, 529.69}, {3.0, 0.31, 398.15}, {3.0, 2.28, 553.57},
    {2.0, 4.38, 5223.69}, {2.0, 3.75, 0.98}};
constexpr Term kL3[] = {{289.0, 5.844, 6283.076}, {35.0, 0.0, 0.0}, {17.0, 5.49, 12566.15}, {3.0, 5.2, 155.42},
                        {1.0, 4.72, 3.52}, {1.0, 5.3, 18849.23}, {1.0, 5.97, 242.73}};
constexpr Term kL4[] = {{114.0, 3.142, 0.0}, {8.0, 4.13, 6283.08}, {1.0, 3.84, 12566.15}};
constexpr Term kL5[] = {{1.0, 3.14, 0.0}};
constexpr Term kB0[] = {{280.0, 3.199, 84334.662}, {102.0, 5.422, 5507.553}, {80.0, 3.88, 5223.69},
                        {44.0, 3.7, 2352.87}, {32.0, 4.0, 1577.34}};
constexpr Term kB1[] = {{9.0, 3.9, 5507.55}, {6.0, 1.73, 5223.69}};
constexpr Term kR0[] = {
    {100013989.0, 0.0, 0.0}, {1670700.0, 3.0984635, 6283.07585}, {13956.0, 3.05525, 12566.1517},
    {3084.0, 5.1985, 77713.7715}, {1628.0, 1.1739, 5753.3849}, {1576.0, 2.8469, 7860.4194},
    {925.0, 5.453, 11506.77}, {542.0, 4.564, 3930.21}, {472.0, 3.661, 5884.927},
    {346.0, 0.964, 5507.553}, {329.0, 5.9, 5223.694}, {307.0, 0.299, 5573.143},
    {243.0, 4.273, 11790.629}, {212.0, 5.847, 1577.344}, {186.0, 5.022, 10977.079},
    {175.0, 3.012, 18849.228}, {110.0, 5.055, 5486.778}, {98.0, 0.89, 6069.78},
    {86.0, 5.69, 15720.84}, {86.0, 1.27, 161000.69}, {65.0, 0.27, 17260.15},
    {63.0, 0.92, 529.69}, {57.0, 2.01, 83996.85}, {56.0, 5.24, 71430.7},
    {49.0, 3.25, 2544.31}, {47.0, 2.58, 775.52}, {45.0, 5.54, 9437.76},
    {43.0, 6.01, 6275.96}, {39.0, 5.36, 4694.0}, {38.0, 2.39, 8827.39},
    {37.0, 0.83, 19651.05}, {37.0, 4.9, 12139.55}, {36.0, 1.67, 12036.46},
    {35.0, 1.84, 2942.46}, {33.0, 0.24, 7084.9}, {32.0, 0.18, 5088.63},
    {32.0, 1.78, 398.15}, {28.0, 1.21, 6286.6}, {28.0, 1.9, 6279.55},
    {26.0, 4.59, 10447.39}};
constexpr Term kR1[] = {{103019.0, 1.10749, 6283.07585}, {1721.0, 1.0644, 12566.1517}, {702.0, 3.142, 0.0},
                        {32.0, 1.02, 18849.23}, {31.0, 2.84, 5507.55}, {25.0, 1.32, 5223.69},
                        {18.0, 1.42, 1577.34}, {10.0, 5.91, 10977.08}, {9.0, 1.42, 6275.96},
                        {9.0, 0.27, 5486.78}};
constexpr Term kR2[] = {{4359.0, 5.7846, 6283.0758}, {124.0, 5.579, 12566.152}, {12.0, 3.14, 0.0},
                        {9.0, 3.63, 77713.77}, {6.0, 1.87, 5573.14}, {3.0, 5.47, 18849.23}};
constexpr Term kR3[] = {{145.0, 4.273, 6283.076}, {7.0, 3.92, 12566.15}};
constexpr Term kR4[] = {{4.0, 2.56, 6283.08}};

// Nutation in longitude and obliquity, Reda & Andreas (2004) Table A4.3:
// multipliers Y0..Y4 of X0..X4, and coefficients a, b (Δψ) and c, d (Δε) in 0.0001".
struct NutationTerm {
  int y[5];
  double a, b, c, d;
};
constexpr NutationTerm kNutation[] = {
    {{0, 0, 0, 0, 1}, -171996, -174.2, 92025, 8.9}, {{-2, 0, 0, 2, 2}, -13187, -1.6, 5736, -3.1},
    {{0, 0, 0, 2, 2}, -2274, -0.2, 977, -0.5},      {{0, 0, 0, 0, 2}, 2062, 0.2, -895, 0.5},
    {{0, 1, 0, 0, 0}, 1426, -3.4, 54, -0.1},        {{0, 0, 1, 0, 0}, 712, 0.1, -7, 0},
    {{-2, 1, 0, 2, 2}, -517, 1.2, 224, -0.6},       {{0, 0, 0, 2, 1}, -386, -0.4, 200, 0},
    {{0, 0, 1, 2, 2}, -301, 0, 129, -0.1},          {{-2, -1, 0, 2, 2}, 217, -0.5, -95, 0.3},
    {{-2, 0, 1, 0, 0}, -158, 0, 0, 0},              {{-2, 0, 0, 2, 1}, 129, 0.1, -70, 0},
    {{0, 0, -1, 2, 2}, 123, 0, -53, 0},             {{2, 0, 0, 0, 0}, 63, 0, 0, 0},
    {{0, 0, 1, 0, 1}, 63, 0.1, -33, 0},             {{2, 0, -1, 2, 2}, -59, 0, 26, 0},
    {{0, 0, -1, 0, 1}, -58, -0.1, 32, 0},           {{0, 0, 1, 2, 1}, -51, 0, 27, 0},
    {{-2, 0, 2, 0, 0}, 48, 0, 0, 0},                {{0, 0, -2, 2, 1}, 46, 0, -24, 0},
    {{2, 0, 0, 2, 2}, -38, 0, 16, 0},               {{0, 0, 2, 2, 2}, -31, 0, 13, 0},
    {{0, 0, 2, 0, 0}, 29, 0, 0, 0},                 {{-2, 0, 1, 2, 2}, 29, 0, -12, 0},
    {{0, 0, 0, 2, 0}, 26, 0, 0, 0},                 {{-2, 0, 0, 2, 0}, -22, 0, 0, 0},
    {{0, 0, -1, 2, 1}, 21, 0, -10, 0},              {{0, 2, 0, 0, 0}, 17, -0.1, 0, 0},
    {{2, 0, -1, 0, 1}, 16, 0, -8, 0},               {{-2, 2, 0, 2, 2}, -16, 0.1, 7, 0},
    {{0, 1, 0, 0, 1}, -15, 0, 9, 0},                {{-2, 0, 1, 0, 1}, -13, 0, 7, 0},
    {{0, -1, 0, 0, 1}, -12, 0, 6, 0},               {{0, 0, 2, -2, 0}, 11, 0, 0, 0},
    {{2, 0, -1, 2, 1}, -10, 0, 5, 0},               {{2, 0, 1, 2, 2}, -8, 0, 3, 0},
    {{0, 1, 0, 2, 2}, 7, 0, -3, 0},                 {{-2, 1, 1, 0, 0}, -7, 0, 0, 0},
    {{0, -1, 0, 2, 2}, -7, 0, 3, 0},                {{2, 0, 0, 2, 1}, -7, 0, 3, 0},
    {{2, 0, 1, 0, 0}, 6, 0, 0, 0},                  {{-2, 0, 2, 2, 2}, 6, 0, -3, 0},
    {{-2, 0, 1, 2, 1}, 6, 0, -3, 0},                {{2, 0, -2, 0, 1}, -6, 0, 3, 0},
    {{2, 0, 0, 0, 1}, -6, 0, 3, 0},                 {{0, -1, 1, 0, 0}, 5, 0, 0, 0},
    {{-2, -1, 0, 2, 1}, -5, 0, 3, 0},               {{-2, 0, 0, 0, 1}, -5, 0, 3, 0},
    {{0, 0, 2, 2, 1}, -5, 0, 3, 0},                 {{-2, 0, 2, 0, 1}, 4, 0, 0, 0},
    {{-2, 1, 0, 2, 1}, 4, 0, 0, 0},                 {{0, 0, 1, -2, 0}, 4, 0, 0, 0},
    {{-1, 0, 1, 0, 0}, -4, 0, 0, 0},                {{-2, 1, 0, 0, 0}, -4, 0, 0, 0},
    {{1, 0, 0, 0, 0}, -4, 0, 0, 0},                 {{0, 0, 1, 2, 0}, 3, 0, 0, 0},
    {{0, 0, -2, 2, 2}, -3, 0, 0, 0},                {{-1, -1, 1, 0, 0}, -3, 0, 0, 0},
    {{0, 1, 1, 0, 0}, -3, 0, 0, 0},                 {{0, -1, 1, 2, 2}, -3, 0, 0, 0},
    {{2, -1, -1, 2, 2}, -3, 0, 0, 0},               {{0, 0, 3, 2, 2}, -3, 0, 0, 0},
    {{2, -1, 0, 2, 2}, -3, 0, 0, 0}};

template <std::size_t N>
double Series(const Term (&t)[N], double jme) {
  double s = 0.0;
  for (const Term& x : t) s += x.a * std::cos(x.b + x.c * jme);
  return s;
}

// The part of SPA that depends on time only (steps 3.2-3.8 of the paper).
struct Geocentric {
  double alpha_deg;     // apparent sun right ascension α
  double delta_deg;     // apparent sun declination δ
  double nu_corr_deg;   // Δψ·cos ε, added to mean sidereal time ν0
  double radius_au;     // R
  double lambda_deg;    // apparent sun longitude λ (for E)
  double epsilon_deg;   // true obliquity ε
  double delta_psi_deg; // Δψ
};

Geocentric GeocentricAt(double jd, double delta_t_s) {
  const double jde = jd + delta_t_s / 86400.0;
  const double jce = (jde - 2451545.0) / 36525.0;
  const double jme = jce / 10.0;
  const double l_rad = (Series(kL0, jme) + Series(kL1, jme) * jme + Series(kL2, jme) * jme * jme +
                        Series(kL3, jme) * std::pow(jme, 3) + Series(kL4, jme) * std::pow(jme, 4) +
                        Series(kL5, jme) * std::pow(jme, 5)) /
                       1e8;
  const double l_deg = Wrap360(Deg(l_rad));
  const double b_deg = Deg((Series(kB0, jme) + Series(kB1, jme) * jme) / 1e8);
  const double r = (Series(kR0, jme) + Series(kR1, jme) * jme + Series(kR2, jme) * jme * jme +
                    Series(kR3, jme) * std::pow(jme, 3) + Series(kR4, jme) * std::pow(jme, 4)) /
                   1e8;
  const double theta = Wrap360(l_deg + 180.0);  // geocentric longitude Θ
  const double beta = -b_deg;                   // geocentric latitude β
  // Nutation arguments X0..X4 (deg), eqs. 15-19.
  const double j2 = jce * jce, j3 = j2 * jce;
  const double x[5] = {
      297.85036 + 445267.111480 * jce - 0.0019142 * j2 + j3 / 189474.0,
      357.52772 + 35999.050340 * jce - 0.0001603 * j2 - j3 / 300000.0,
      134.96298 + 477198.867398 * jce + 0.0086972 * j2 + j3 / 56250.0,
      93.27191 + 483202.017538 * jce - 0.0036825 * j2 + j3 / 327270.0,
      125.04452 - 1934.136261 * jce + 0.0020708 * j2 + j3 / 450000.0,
  };
  double dpsi = 0.0, deps = 0.0;
  for (const NutationTerm& n : kNutation) {
    double arg = 0.0;
    for (int j = 0; j < 5; ++j) arg += x[j] * n.y[j];
    arg = Rad(arg);
    dpsi += (n.a + n.b * jce) * std::sin(arg);
    deps += (n.c + n.d * jce) * std::cos(arg);
  }
  dpsi /= 36000000.0;
  deps /= 36000000.0;
  // True obliquity of the ecliptic, eqs. 24-25 (U = JME/10, arcseconds).
  const double u = jme / 10.0;
  const double eps0 = 84381.448 +
                      u * (-4680.93 + u * (-1.55 + u * (1999.25 + u * (-51.38 + u * (-249.67 + u * (-39.05 +
                      u * (7.12 + u * (27.87 + u * (5.79 + u * 2.45)))))))));
  const double eps = eps0 / 3600.0 + deps;
  const double dtau = -20.4898 / (3600.0 * r);  // aberration correction
  const double lambda = theta + dpsi + dtau;     // apparent sun longitude
  const double lr = Rad(lambda), er = Rad(eps), br = Rad(beta);
  const double alpha = Wrap360(Deg(std::atan2(std::sin(lr) * std::cos(er) - std::tan(br) * std::sin(er), std::cos(lr))));
  const double delta = Deg(std::asin(std::sin(br) * std::cos(er) + std::cos(br) * std::sin(er) * std::sin(lr)));
  return Geocentric{alpha, delta, dpsi * std::cos(er), r, lambda, eps, dpsi};
}

// Mean sidereal time at Greenwich ν0 (deg), eq. 28.
double MeanSiderealDeg(double jd) {
  const double jc = (jd - 2451545.0) / 36525.0;
  return Wrap360(280.46061837 + 360.98564736629 * (jd - 2451545.0) + 0.000387933 * jc * jc - jc * jc * jc / 38710000.0);
}

// Per-site constants of the topocentric correction (eqs. 33-37).
struct SiteTerms {
  double sin_phi, cos_phi, x, y, lon_deg;
  double pressure_mbar, temperature_c, refraction_limit_deg;
};

SiteTerms MakeSiteTerms(const SpaSite& s) {
  const double phi = Rad(s.latitude_deg);
  const double u = std::atan(0.99664719 * std::tan(phi));
  return SiteTerms{std::sin(phi),
                   std::cos(phi),
                   std::cos(u) + s.elevation_m / 6378140.0 * std::cos(phi),
                   0.99664719 * std::sin(u) + s.elevation_m / 6378140.0 * std::sin(phi),
                   s.longitude_deg,
                   s.pressure_mbar,
                   s.temperature_c,
                   -(0.26667 + s.atmos_refraction_deg)};
}

struct Topocentric {
  double zenith_deg, apparent_zenith_deg, azimuth_deg, hour_angle_deg;
};

// Steps 3.9-3.15: hour angle, parallax, elevation with refraction, azimuth.
Topocentric TopocentricAt(double nu_deg, double alpha_deg, double delta_deg, double radius_au, const SiteTerms& s) {
  const double h = Wrap360(nu_deg + s.lon_deg - alpha_deg);
  const double hr = Rad(h), dr = Rad(delta_deg);
  const double xi = Rad(8.794 / (3600.0 * radius_au));  // equatorial horizontal parallax
  const double sin_xi = std::sin(xi);
  const double cos_h = std::cos(hr), sin_h = std::sin(hr);
  const double cos_d = std::cos(dr), sin_d = std::sin(dr);
  const double denom = cos_d - s.x * sin_xi * cos_h;
  const double dalpha = std::atan2(-s.x * sin_xi * sin_h, denom);
  const double delta_p = std::atan2((sin_d - s.y * sin_xi) * std::cos(dalpha), denom);
  const double hp = hr - dalpha;
  const double cos_hp = std::cos(hp);
  const double e0 = Deg(std::asin(s.sin_phi * std::sin(delta_p) + s.cos_phi * std::cos(delta_p) * cos_hp));
  double de = 0.0;
  if (e0 >= s.refraction_limit_deg) {
    de = (s.pressure_mbar / 1010.0) * (283.0 / (273.0 + s.temperature_c)) * 1.02 /
         (60.0 * std::tan(Rad(e0 + 10.3 / (e0 + 5.11))));
  }
  const double gamma = Deg(std::atan2(std::sin(hp), cos_hp * s.sin_phi - std::tan(delta_p) * s.cos_phi));
  return Topocentric{90.0 - e0, 90.0 - (e0 + de), Wrap360(gamma + 180.0), h};
}

double JulianDay(double unix_s) { return unix_s / 86400.0 + 2440587.5; }

// The same steps as TopocentricAt with the parallax corrections taken to first order
// in ξ (≤ 8.8", so the neglected terms are ~ξ² ≈ 2e-9 rad), and one sincos for H.
// Used on the series path; agreement with the exact form is tested (< 1e-6°).
Topocentric TopocentricFast(double nu_deg, double alpha_deg, double sin_d, double cos_d, double sin_xi,
                            const SiteTerms& s) {
  const double h = Wrap360(nu_deg + s.lon_deg - alpha_deg);
  const double hr = Rad(h);
  const double sin_h = std::sin(hr), cos_h = std::cos(hr);
  const double dalpha = -s.x * sin_xi * sin_h / cos_d;                    // eq. 38, first order
  const double ddelta = -sin_xi * (s.y * cos_d - s.x * cos_h * sin_d);     // eq. 39, first order
  const double sin_dp = sin_d + ddelta * cos_d, cos_dp = cos_d - ddelta * sin_d;
  const double cos_hp = cos_h + dalpha * sin_h, sin_hp = sin_h - dalpha * cos_h;
  const double e0 = Deg(std::asin(std::clamp(s.sin_phi * sin_dp + s.cos_phi * cos_dp * cos_hp, -1.0, 1.0)));
  double de = 0.0;
  if (e0 >= s.refraction_limit_deg) {
    de = (s.pressure_mbar / 1010.0) * (283.0 / (273.0 + s.temperature_c)) * 1.02 /
         (60.0 * std::tan(Rad(e0 + 10.3 / (e0 + 5.11))));
  }
  const double gamma = Deg(std::atan2(sin_hp, cos_hp * s.sin_phi - sin_dp / cos_dp * s.cos_phi));
  return Topocentric{90.0 - e0, 90.0 - (e0 + de), Wrap360(gamma + 180.0), h};
}

}  // namespace

double DeltaTSeconds(double y) {
  // Espenak & Meeus, "Polynomial expressions for Delta T" (NASA Eclipse web site, 2006).
  if (y < 2005.0) {
    const double t = y - 2000.0;
    return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * std::pow(t, 3) + 0.000651814 * std::pow(t, 4) +
           0.00002373599 * std::pow(t, 5);
  }
  if (y < 2050.0) {
    const double t = y - 2000.0;
    return 62.92 + 0.32217 * t + 0.005589 * t * t;
  }
  if (y < 2150.0) return -20.0 + 32.0 * std::pow((y - 1820.0) / 100.0, 2) - 0.5628 * (2150.0 - y);
  return -20.0 + 32.0 * std::pow((y - 1820.0) / 100.0, 2);
}

double DecimalYear(double unix_s) {
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(static_cast<std::int64_t>(std::floor(unix_s / 86400.0)), &y, &m, &d);
  const double start = static_cast<double>(DaysFromCivil(y, 1, 1)) * 86400.0;
  const double end = static_cast<double>(DaysFromCivil(y + 1, 1, 1)) * 86400.0;
  return static_cast<double>(y) + (unix_s - start) / (end - start);
}

SpaResult Spa(double unix_s, double delta_t_s, const SpaSite& site) {
  const double jd = JulianDay(unix_s);
  const Geocentric g = GeocentricAt(jd, delta_t_s);
  const double nu = MeanSiderealDeg(jd) + g.nu_corr_deg;
  const Topocentric t = TopocentricAt(nu, g.alpha_deg, g.delta_deg, g.radius_au, MakeSiteTerms(site));
  SpaResult r;
  r.zenith_deg = t.zenith_deg;
  r.apparent_zenith_deg = t.apparent_zenith_deg;
  r.azimuth_deg = t.azimuth_deg;
  r.declination_deg = g.delta_deg;
  r.right_ascension_deg = g.alpha_deg;
  r.hour_angle_deg = t.hour_angle_deg;
  r.earth_radius_au = g.radius_au;
  // Equation of time, eqs. A.1-A.2 (sun's mean longitude M).
  const double jme = ((jd + delta_t_s / 86400.0) - 2451545.0) / 365250.0;
  const double m = Wrap360(280.4664567 + jme * (360007.6982779 + jme * (0.03032028 + jme * (1.0 / 49931.0 +
                           jme * (-1.0 / 15300.0 + jme * (-1.0 / 2000000.0))))));
  double e = m - 0.0057183 - g.alpha_deg + g.delta_psi_deg * std::cos(Rad(g.epsilon_deg));
  e = std::fmod(e, 360.0);
  if (e > 180.0) e -= 360.0;
  if (e < -180.0) e += 360.0;
  r.equation_of_time_min = e * 4.0;
  return r;
}

SunSeries SolarPositions(const TimeAxis& axis, double at_offset_s, const SpaSite& site) {
  SunSeries out;
  const Eigen::Index n = axis.count;
  out.zenith_deg.resize(n);
  out.apparent_zenith_deg.resize(n);
  out.azimuth_deg.resize(n);
  if (n == 0) return out;
  const SiteTerms st = MakeSiteTerms(site);
  // Daily knots (UT midnight) spanning the run with two days of margin for the cubic.
  const double t0 = static_cast<double>(axis.TimeAt(0)) + at_offset_s;
  const double t1 = static_cast<double>(axis.TimeAt(n - 1)) + at_offset_s;
  const double first_knot = std::floor(t0 / 86400.0) * 86400.0 - 86400.0;
  const auto knots = static_cast<std::size_t>(std::ceil((t1 - first_knot) / 86400.0)) + 3;
  std::vector<Geocentric> g(knots);
  for (std::size_t i = 0; i < knots; ++i) {
    const double tk = first_knot + 86400.0 * static_cast<double>(i);
    g[i] = GeocentricAt(JulianDay(tk), DeltaTSeconds(DecimalYear(tk)));
    if (i > 0) {  // unwrap α so the polynomial sees a continuous function
      while (g[i].alpha_deg < g[i - 1].alpha_deg - 180.0) g[i].alpha_deg += 360.0;
      while (g[i].alpha_deg > g[i - 1].alpha_deg + 180.0) g[i].alpha_deg -= 360.0;
    }
  }
  for (Eigen::Index k = 0; k < n; ++k) {
    const double t = static_cast<double>(axis.TimeAt(k)) + at_offset_s;
    const double u = (t - first_knot) / 86400.0;
    auto i = static_cast<std::size_t>(std::floor(u));  // knot at or before t; i >= 1
    const double s = u - static_cast<double>(i);
    // Cubic Lagrange weights on knots i-1, i, i+1, i+2 at local coordinate s in [0, 1).
    const double w0 = -s * (s - 1.0) * (s - 2.0) / 6.0;
    const double w1 = (s + 1.0) * (s - 1.0) * (s - 2.0) / 2.0;
    const double w2 = -(s + 1.0) * s * (s - 2.0) / 2.0;
    const double w3 = (s + 1.0) * s * (s - 1.0) / 6.0;
    auto interp = [&](auto field) {
      return w0 * g[i - 1].*field + w1 * g[i].*field + w2 * g[i + 1].*field + w3 * g[i + 2].*field;
    };
    const double jd = JulianDay(t);
    const double nu = MeanSiderealDeg(jd) + interp(&Geocentric::nu_corr_deg);
    const double delta = Rad(interp(&Geocentric::delta_deg));
    const double sin_xi = Rad(8.794 / 3600.0) / interp(&Geocentric::radius_au);  // ξ ≤ 4.3e-5 rad: sin ξ = ξ
    const Topocentric tp = TopocentricFast(nu, interp(&Geocentric::alpha_deg), std::sin(delta), std::cos(delta), sin_xi, st);
    out.zenith_deg[k] = tp.zenith_deg;
    out.apparent_zenith_deg[k] = tp.apparent_zenith_deg;
    out.azimuth_deg[k] = tp.azimuth_deg;
  }
  return out;
}

}  // namespace essim::pv
