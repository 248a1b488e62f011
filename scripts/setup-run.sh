#!/usr/bin/env bash
# Installs what `faultline run --target maelstrom|raft` needs beyond Node: libfaketime, for clock
# faults on node processes. Nothing else: the routed network needs no root and no packages.
# Idempotent; retries apt-get (one install in three here fails once and works on retry).
set -euo pipefail
PKGS=(faketime libfaketime)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then echo "setup-run: libfaketime present"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "setup-run: installing ${missing[*]} needs root; run: sudo apt-get install -y ${missing[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  if apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; then exit 0; fi
  sleep 5
done
echo "setup-run: apt-get install ${missing[*]} failed 3 times" >&2
exit 1
