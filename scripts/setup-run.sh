#!/usr/bin/env bash
# Installs what `faultline run --target maelstrom|raft` needs beyond Node: libfaketime, for clock
# faults on node processes. Nothing else: the routed network needs no root and no packages.
# Idempotent; retries apt-get (one install in three here fails once and works on retry).
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"
mapfile -t missing < <(apt_missing faketime libfaketime)
if [ "${#missing[@]}" -eq 0 ]; then echo "setup-run: libfaketime present"; exit 0; fi
apt_install setup-run "${missing[@]}"
