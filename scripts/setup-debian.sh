#!/usr/bin/env bash
# Installs what gpucast needs to build, test and run on Debian/Ubuntu: FFmpeg's libraries and
# headers (ffmpeg-next links the system FFmpeg), clang for its bindings, Mesa's software Vulkan
# (lavapipe) so the GPU path runs without a GPU, the ffmpeg tool the scripts use, and procps (the
# interrupt test sends SIGINT with `kill`), and espeak-ng's library, which a script aligned with
# no timings is spoken by (`gpucast import --text S --audio A`). With --test, also what only the tests use: Chromium,
# the second player the output is checked with, Python's venv and pip for the Python
# package's tests, and Slurm and MUNGE for the one-node Slurm cluster of scripts/test-slurm.sh.
set -euo pipefail
packages=(
  build-essential pkg-config clang libclang-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  libavfilter-dev libavdevice-dev
  mesa-vulkan-drivers libvulkan1
  ffmpeg python3 procps
  libespeak-ng1
)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium python3-venv python3-pip slurm-wlm munge)
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust 1.87 or newer (https://rustup.rs), then run this again" >&2
  exit 1
fi
