#!/usr/bin/env bash
# Installs what `npm run bench:check` needs to measure porcupine in the same session: Debian's Go
# (golang-go), with which ../shared/anchors/porcupine/run.sh builds its checker (no Go module is
# downloaded), and GNU time for peak RSS. Idempotent: does nothing when both are present. Then builds porcupine once, when the
# anchor is present beside the project.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v go >/dev/null 2>&1 && [ -x /usr/bin/time ]; then
  echo "setup-bench: $(go version) already installed"
else
  if [ "$(id -u)" != 0 ]; then
    echo "setup-bench: installing golang-go needs root (apt-get); run this script as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  retry() {
    local attempt
    for attempt in 1 2 3; do
      if "$@"; then return 0; fi
      echo "setup-bench: '$*' failed (attempt $attempt of 3)" >&2
      sleep $((attempt * 5))
    done
    return 1
  }
  retry apt-get update -qq
  retry apt-get install -y -qq --no-install-recommends golang-go time
  echo "setup-bench: $(go version) installed"
fi

anchor=../shared/anchors/porcupine/run.sh
if [ -x "$anchor" ] || [ -f "$anchor" ]; then
  # An empty history: run.sh builds its binary on first use; the verdict does not matter here.
  empty=$(mktemp); trap 'rm -f "$empty"' EXIT
  bash "$anchor" -format kv "$empty" >/dev/null 2>&1 || true
  echo "setup-bench: porcupine built ($anchor)"
else
  echo "setup-bench: $anchor is absent; bench:check will measure Faultline alone"
fi
