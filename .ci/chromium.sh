#!/usr/bin/env bash
# Chromium for the browser tests, on a Debian machine: installs Debian's `chromium` package if
# missing and exports HEADROOM_TEST_CHROMIUM_BIN. Playwright drives this browser; it never
# downloads one (`playwright install` is never run). Sourced by .ci/run.
set -euo pipefail

headroom_chromium() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "Chromium is missing: installing Debian's chromium"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium ||
      { "${sudo[@]}" apt-get update && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }
  fi
  HEADROOM_TEST_CHROMIUM_BIN=/usr/bin/chromium
  export HEADROOM_TEST_CHROMIUM_BIN
  "$HEADROOM_TEST_CHROMIUM_BIN" --version 2>/dev/null | head -n 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  headroom_chromium >&2
  echo "export HEADROOM_TEST_CHROMIUM_BIN=$HEADROOM_TEST_CHROMIUM_BIN"
fi
