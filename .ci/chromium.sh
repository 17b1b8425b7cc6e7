#!/usr/bin/env bash
# Install the system Chromium the browser tests drive (Playwright uses it; no browser download).
#
#   bash .ci/chromium.sh
#
# Idempotent: installs Debian's chromium package only if /usr/bin/chromium is missing.
# Runs as root (CI and the development machines do).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium.sh: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") er installert" >&2
    exit 0
fi

echo "chromium.sh: installerer chromium (apt-get)" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
"$CHROMIUM" --version >&2
