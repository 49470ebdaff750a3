#!/usr/bin/env bash
# One entry point for setting up, building and checking essim on Debian 12.
#
#   tools/build.sh run [ARGS...]   build, then run the default scenario (or essim ARGS)
#   tools/build.sh test            build, then run the whole test suite through CTest
#   tools/build.sh bench           build, then run the benchmarks (figures, not tests):
#                                  engine, PV chain, and the optimizer (essim_bench_opt)
#                                  (also: tools/bench_lp.py, tools/bench_sweep.sh)
#   tools/build.sh asan            build with ASan/UBSan into build-asan/ and run the tests
#
# Missing Debian packages are installed with apt-get when run as root; otherwise the
# script names them and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-run}"
shift || true

packages=(cmake make g++ libeigen3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libboost-test-dev
          libcli11-dev nlohmann-json3-dev libsqlite3-dev libopenmpi-dev openmpi-bin coinor-clp glpk-utils
          python3-numpy python3-pandas python3-matplotlib python3-scipy)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  if [[ "$(id -u)" -eq 0 ]]; then
    echo "essim: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "essim: missing Debian packages: ${missing[*]}" >&2
    echo "essim: run this script as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

jobs="$(nproc 2>/dev/null || echo 2)"
build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=Release -DESSIM_WERROR=ON -DESSIM_WITH_MPI=ON)
if [[ "$mode" == asan ]]; then
  # Without MPI: OpenMPI's own allocations would read as leaks (the MPI test is skipped).
  build_dir=build-asan
  cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DESSIM_SANITIZE=ON -DESSIM_WERROR=ON -DESSIM_WITH_MPI=OFF)
fi
cmake -S . -B "$build_dir" "${cmake_args[@]}" > /dev/null
cmake --build "$build_dir" -j "$jobs"

case "$mode" in
  run)
    if (($# > 0)); then exec "$build_dir/essim" "$@"; fi
    exec "$build_dir/essim" run scenarios/jiayuguan-2025.yaml
    ;;
  test | asan)
    exec ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
    ;;
  bench)
    "$build_dir/essim_bench" scenarios/jiayuguan-2025.yaml "$@"
    echo
    echo "optimizer: the year LP (first solve = a fresh process), then µs per iteration on a 48 h window"
    "$build_dir/essim_bench_opt" scenarios/jiayuguan-2025.yaml 3
    exec "$build_dir/essim_bench_opt" scenarios/jiayuguan-2025.yaml 20 --window 192
    ;;
  *)
    echo "usage: tools/build.sh run|test|bench|asan" >&2
    exit 2
    ;;
esac
