#!/usr/bin/env bash
# System packages docbatch needs: fonts for PDF exports (Latin, Thai, CJK) and Chromium for
# the browser tests. Idempotent: installs only what is missing; skips quietly without apt/root.
set -euo pipefail
PACKAGES=(fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-thai-tlwg chromium poppler-utils)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "docbatch: please install these Debian packages: ${missing[*]}" >&2
  exit 0
fi
echo "docbatch: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
