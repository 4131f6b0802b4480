#!/usr/bin/env bash
# Prometheus for the test suites, on a Debian machine: installs Debian's `prometheus` package
# (which brings promtool) if missing and exports where the binaries are. It starts nothing:
# each test file runs its own Prometheus on 127.0.0.1 at a free port with its own temp TSDB
# (packages/server/src/test-support/prometheus.ts), so a packaged service that may be running
# on :9090 is neither needed nor in the way. Sets HEADROOM_TEST_PROMETHEUS_BIN and
# HEADROOM_TEST_PROMTOOL_BIN. Sourced by .ci/run; a developer may run
#   eval "$(bash .ci/prometheus.sh)"
# to get the same exports in their shell (it prints only the export lines on stdout).
set -euo pipefail

headroom_prometheus() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi

  if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then
    echo "Prometheus is installed: /usr/bin/prometheus, /usr/bin/promtool"
  else
    echo "Prometheus is missing: installing Debian's prometheus"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
  fi

  # Alertmanager 0.25: a test points a real one at Headroom's webhook intake, and
  # `npm run bench -- alerts-latency` compares Headroom with it.
  if [ ! -x /usr/bin/prometheus-alertmanager ]; then
    echo "Alertmanager is missing: installing Debian's prometheus-alertmanager"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus-alertmanager ||
      { "${sudo[@]}" apt-get update && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus-alertmanager; }
  fi
  HEADROOM_TEST_ALERTMANAGER_BIN=/usr/bin/prometheus-alertmanager
  export HEADROOM_TEST_ALERTMANAGER_BIN
  "$HEADROOM_TEST_ALERTMANAGER_BIN" --version 2>&1 | head -n 1

  HEADROOM_TEST_PROMETHEUS_BIN=/usr/bin/prometheus
  HEADROOM_TEST_PROMTOOL_BIN=/usr/bin/promtool
  export HEADROOM_TEST_PROMETHEUS_BIN HEADROOM_TEST_PROMTOOL_BIN
  "$HEADROOM_TEST_PROMETHEUS_BIN" --version 2>&1 | head -n 1
  "$HEADROOM_TEST_PROMTOOL_BIN" --version 2>&1 | head -n 1
  echo "HEADROOM_TEST_PROMETHEUS_BIN=$HEADROOM_TEST_PROMETHEUS_BIN HEADROOM_TEST_PROMTOOL_BIN=$HEADROOM_TEST_PROMTOOL_BIN"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run directly: progress to stderr, the export lines alone on stdout.
  headroom_prometheus >&2
  echo "export HEADROOM_TEST_PROMETHEUS_BIN=$HEADROOM_TEST_PROMETHEUS_BIN"
  echo "export HEADROOM_TEST_PROMTOOL_BIN=$HEADROOM_TEST_PROMTOOL_BIN"
  echo "export HEADROOM_TEST_ALERTMANAGER_BIN=$HEADROOM_TEST_ALERTMANAGER_BIN"
fi
