#!/usr/bin/env bash
# Installs what the `--env ssh` tests need: OpenSSH's server (each test host runs its own sshd inside
# a network namespace) and ssh-keygen for the host and user keys the tests generate. Installing never
# starts a system sshd on machines with policy-rc.d; elsewhere we stop the unit again, since the tests
# start their own daemons and must not leave one listening on :22.
# Idempotent; retries apt-get (one install in three here fails once and works on retry).
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"
mapfile -t missing < <(apt_missing openssh-server openssh-client)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-ssh: openssh-server present"
else
  apt_install setup-ssh "${missing[@]}"
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet ssh 2>/dev/null; then systemctl stop ssh || true; fi
fi
# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd
echo "setup-ssh: $(/usr/sbin/sshd -V 2>&1 | head -1)"
