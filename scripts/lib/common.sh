# Shared by scripts/run and scripts/test: dependency installation and the build.
# shellcheck shell=bash

FOOTFALL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FOOTFALL_BUILD_DIR="${FOOTFALL_BUILD_DIR:-$FOOTFALL_ROOT/build}"

# Build and run: compiler/CMake, Qt 6 (Widgets, Multimedia, Charts, Linguist, Test; Charts
# needs the OpenGL dev package), LibTorch, libsndfile, libebur128, nlohmann-json,
# SentencePiece, OpenBLAS (else LibTorch falls back to the 20x slower reference BLAS) and
# GStreamer's good plugins (WAV playback in Qt Multimedia), CLI11 (footfall-cli's options),
# oneDNN's headers (the bf16 path's linear layers, called directly; the library itself comes
# with libtorch).
FOOTFALL_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-multimedia-dev qt6-charts-dev qt6-tools-dev libqt6opengl6-dev
  libsndfile1-dev nlohmann-json3-dev libtorch-dev libsentencepiece-dev libebur128-dev
  libcli11-dev libopenblas0-pthread gstreamer1.0-plugins-good libdnnl-dev
)
# Tests only: spm_train (tiny tokenizer fixtures), Debian's torch for Python (.ckpt fixtures),
# a PulseAudio null sink (playback without a sound card), Xvfb (screenshots), sox (listening;
# reads WAV headers back), mediainfo (reads bext, coding history and FLAC tags back),
# GNU parallel (batch shards run side by side), a Japanese font for the translated-layout
# screenshots (IPA Gothic: 12 MB against fonts-noto-cjk's 90 MB, and Japanese is the only CJK UI),
# desktop-file-validate and appstreamcli (the installed .desktop file and metainfo).
FOOTFALL_TEST_PACKAGES=(sentencepiece python3-torch pulseaudio xvfb xauth sox mediainfo
  clang-format parallel fonts-ipafont-gothic desktop-file-utils appstream)
# scripts/fuzz only: clang and libFuzzer (libclang_rt.fuzzer, with the sanitizer runtimes).
FOOTFALL_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

footfall_install_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "Footfall needs these Debian packages. Install them as root, then run this again:" >&2
    echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

footfall_configure_and_build() {
  local gui="${FOOTFALL_BUILD_GUI:-ON}"
  local tests="${1:-ON}"
  shift || true
  cmake -S "$FOOTFALL_ROOT" -B "$FOOTFALL_BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DFOOTFALL_WERROR="${FOOTFALL_WERROR:-OFF}" \
    -DFOOTFALL_SANITIZE="${FOOTFALL_SANITIZE:-OFF}" \
    -DFOOTFALL_BUILD_GUI="$gui" -DFOOTFALL_BUILD_TESTS="$tests" >&2
  # Two cores and ~1 GB per Torch translation unit: -j by cores, capped by memory.
  local jobs
  jobs=$(nproc)
  cmake --build "$FOOTFALL_BUILD_DIR" -j"$jobs" "$@" >&2
}

# Fails when a tracked C++ file differs from what clang-format (the repo's .clang-format)
# makes of it, listing the files; `clang-format -i FILE` fixes one.
footfall_check_format() {
  local files
  mapfile -t files < <(cd "$FOOTFALL_ROOT" && git ls-files '*.cpp' '*.h' 2>/dev/null)
  if ((${#files[@]} == 0)); then
    echo "warning: not a git checkout: the clang-format check is skipped" >&2
    return 0
  fi
  local bad=()
  local f
  for f in "${files[@]}"; do
    if ! (cd "$FOOTFALL_ROOT" && clang-format --dry-run --Werror "$f" >/dev/null 2>&1); then
      bad+=("$f")
    fi
  done
  if ((${#bad[@]} > 0)); then
    echo "error: not clang-formatted (run clang-format -i on them):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    return 1
  fi
}
