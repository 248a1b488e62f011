#!/usr/bin/env bash
# Installs what the `--env ssh` tests need: OpenSSH's server (each test host runs its own sshd inside
# a network namespace) and ssh-keygen for the host and user keys the tests generate. Installing never
# starts a system sshd on machines with policy-rc.d; elsewhere we stop the unit again, since the tests
# start their own daemons and must not leave one listening on :22.
# Idempotent; retries apt-get (one install in three here fails once and works on retry).
set -euo pipefail
PKGS=(openssh-server openssh-client)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-ssh: openssh-server present"
else
  if [ "$(id -u)" != 0 ]; then echo "setup-ssh: installing ${missing[*]} needs root; run: sudo apt-get install -y ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  ok=
  for attempt in 1 2 3; do
    if apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; then ok=1; break; fi
    sleep 5
  done
  if [ -z "$ok" ]; then echo "setup-ssh: apt-get install ${missing[*]} failed 3 times" >&2; exit 1; fi
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet ssh 2>/dev/null; then systemctl stop ssh || true; fi
fi
# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd
echo "setup-ssh: $(/usr/sbin/sshd -V 2>&1 | head -1)"
