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
  . scripts/lib/apt.sh
  apt_install setup-bench golang-go time
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
