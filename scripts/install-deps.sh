#!/usr/bin/env bash
# Installs the Debian packages QMF builds and runs with (the Python module and its tests too:
# pybind11, NumPy, pytest and PyTorch, for qmf.torch). Idempotent; silent when all is there.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev zlib1g-dev
  libpng-dev libfftw3-dev libarchive-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox
  python3-dev pybind11-dev python3-numpy python3-pytest python3-torch
  libopenmpi-dev openmpi-bin
)
# clang with libFuzzer and the sanitizer runtimes (the `sanitize` preset, scripts/fuzz.sh), and
# clang-format and clang-tidy (scripts/lint.sh): what CI needs beyond a build, about 60 MB to
# download and 300 MB installed, so only when asked for with QMF_FUZZ_DEPS=1.
fuzz_packages=(clang libclang-rt-dev clang-format clang-tidy)
if [ "${QMF_FUZZ_DEPS:-0}" = 1 ]; then packages+=("${fuzz_packages[@]}"); fi
missing=()
# The data fetcher needs npm; an npm already on the PATH (from any source) is good enough.
command -v npm >/dev/null 2>&1 || missing+=(npm)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
