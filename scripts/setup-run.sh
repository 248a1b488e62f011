#!/usr/bin/env bash
# Installs what `faultline run --target maelstrom|raft` needs beyond Node: libfaketime, for clock
# faults on node processes; fuse3, libfuse3-dev, gcc and pkg-config, with which the disk faults' FUSE
# layer (harness/middle/faults/disk/lazy-fs.c) is built and mounted; and sudo, with which the CI recipe (examples/ci/faultline.yml) and its
# test (test/integration/packaging/) run faultline as root. Nothing else: the routed network needs no
# root and no packages. Idempotent; retries apt-get (one install in three here fails once and works on retry).
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"
mapfile -t missing < <(apt_missing faketime libfaketime sudo fuse3 libfuse3-dev gcc pkg-config)
if [ "${#missing[@]}" -eq 0 ]; then echo "setup-run: libfaketime, fuse3 and sudo present"; exit 0; fi
apt_install setup-run "${missing[@]}"
