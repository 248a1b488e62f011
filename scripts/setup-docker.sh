#!/usr/bin/env bash
# Installs what `--env docker` needs (a Docker engine and debootstrap, for images built without a
# registry) and starts dockerd when no daemon answers on its socket. Idempotent. A daemon that was
# already running is left alone (it may be shared); one this script starts keeps running after it,
# logging to /var/log/faultline-dockerd.log.
#
# Docker sets the FORWARD policy to DROP and turns on bridge-nf-call-iptables, which drops traffic
# between network namespaces on bridges that are not Docker's. The local environment adds its own
# FORWARD ACCEPT rule per run, so nothing needs to be added here; this script only checks that the
# rule can still be inserted above Docker's chains (iptables answers).
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"

if [ "$(id -u)" != 0 ]; then
  echo "setup-docker: must run as root (apt-get install, dockerd); try: sudo $0" >&2
  exit 1
fi

PKGS=(docker.io debootstrap util-linux iptables)
mapfile -t missing < <(apt_missing "${PKGS[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install setup-docker "${missing[@]}"
else
  echo "setup-docker: all packages present"
fi

SOCK=/var/run/docker.sock
answers() { docker -H "unix://$SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if answers; then
  echo "setup-docker: a daemon already answers on $SOCK (left as it is)"
else
  echo "setup-docker: starting dockerd (log: /var/log/faultline-dockerd.log)"
  # setsid: the daemon must outlive this script and not get the terminal's Ctrl-C.
  setsid dockerd >>/var/log/faultline-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    if answers; then break; fi
    sleep 0.5
  done
  if ! answers; then
    echo "setup-docker: dockerd did not answer on $SOCK within 30 s; see /var/log/faultline-dockerd.log" >&2
    tail -20 /var/log/faultline-dockerd.log >&2 || true
    exit 1
  fi
fi
echo "setup-docker: docker $(docker -H "unix://$SOCK" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), storage $(docker -H "unix://$SOCK" info --format '{{.Driver}}')"
