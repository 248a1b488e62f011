#!/usr/bin/env bash
# Installs the toolchains of the Maelstrom test programs in test/nodes/ (Faultline's own suite):
# Debian's Go (golang-go, 1.19 on bookworm), which builds the Go programs offline against the
# project's maelstrom-go/ module through a `replace` line; Ruby; Python 3. Idempotent: does nothing
# when all are present.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/apt.sh

missing=$(apt_missing golang-go ruby python3)
if [ -z "$missing" ] || { command -v go && command -v ruby && command -v python3; } >/dev/null 2>&1; then
  echo "setup-node-langs: go, ruby and python3 already installed"
else
  apt_install setup-node-langs $missing
  echo "setup-node-langs: $(go version), $(ruby --version | cut -d' ' -f1-2), $(python3 --version) installed"
fi
