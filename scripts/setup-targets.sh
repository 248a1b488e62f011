#!/usr/bin/env bash
# Installs what the real-cluster targets need (etcd, ZooKeeper, iptables/nft, libfaketime, the NFQUEUE
# delayer's build deps) from Debian's packages. Idempotent: packages already present are skipped.
# Installing never starts the daemons here (policy-rc.d); on a machine without that file Debian would
# auto-start etcd/zookeeper units, so we stop them again below.
set -euo pipefail

PKGS=(etcd-server etcd-client zookeeper libslf4j-java default-jre-headless
      iptables nftables iproute2 util-linux procps
      faketime libfaketime gcc libc6-dev libnetfilter-queue-dev netcat-openbsd)

if [ "$(id -u)" != 0 ]; then
  echo "setup-targets: must run as root (apt-get install, network namespaces); try: sudo $0" >&2
  exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-targets: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do
    if apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; then break; fi
    if [ "$attempt" = 3 ]; then echo "setup-targets: apt-get install failed 3 times" >&2; exit 1; fi
    sleep 5
  done
else
  echo "setup-targets: all packages present"
fi

# Debian units may have started with the package on machines without policy-rc.d: the harness starts
# its own members inside namespaces and a host-wide etcd on :2379 would only confuse a reader.
for unit in etcd zookeeper; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$unit" 2>/dev/null; then
    systemctl stop "$unit" || true
  fi
done

echo "setup-targets: etcd $(etcd --version 2>/dev/null | head -1 | awk '{print $3}'), zookeeper $(dpkg-query -W -f='${Version}' zookeeper), $(iptables --version)"
