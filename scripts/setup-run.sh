#!/usr/bin/env bash
# Installs what `faultline run --target maelstrom|raft` needs beyond Node: libfaketime, for clock
# faults on node processes, and sudo, with which the CI recipe (examples/ci/faultline.yml) and its
# test (test/integration/packaging/) run faultline as root. Nothing else: the routed network needs no
# root and no packages. Idempotent; retries apt-get (one install in three here fails once and works on retry).
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"
mapfile -t missing < <(apt_missing faketime libfaketime sudo)
if [ "${#missing[@]}" -eq 0 ]; then echo "setup-run: libfaketime and sudo present"; exit 0; fi
apt_install setup-run "${missing[@]}"
