#!/usr/bin/env bash
# Installs the Debian 12 packages Companion builds and tests with, skipping what
# is already there. Safe to run again. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsimdjson-dev libssl-dev libsqlite3-dev libutf8proc-dev libgumbo-dev libgtest-dev
  zlib1g-dev libbrotli-dev
  clang libclang-rt-14-dev clang-format
  sqlite3
  libhiredis-dev
  redis-server
  chromium nginx-light
  # Fonts for what the pages show, in the browser tests and the screenshots: emoji in
  # posts and reactions, and the Japanese and Korean of the demo's posts and questions.
  fonts-noto-color-emoji
  fonts-noto-cjk
  tzdata
  ffmpeg
)
# Node.js comes from Debian unless a newer one is already installed.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
