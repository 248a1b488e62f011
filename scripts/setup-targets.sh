#!/usr/bin/env bash
# Installs what the real-cluster targets need (etcd, ZooKeeper, iptables/nft, libfaketime, the NFQUEUE
# delayer's build deps) from Debian's packages. Idempotent: packages already present are skipped.
# Installing never starts the daemons here (policy-rc.d); on a machine without that file Debian would
# auto-start etcd/zookeeper units, so we stop them again below.
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"

PKGS=(etcd-server etcd-client zookeeper libslf4j-java default-jre-headless
      iptables nftables iproute2 util-linux procps
      faketime libfaketime gcc libc6-dev libnetfilter-queue-dev netcat-openbsd
      fuse3 libfuse3-dev)

if [ "$(id -u)" != 0 ]; then
  echo "setup-targets: must run as root (apt-get install, network namespaces); try: sudo $0" >&2
  exit 1
fi

mapfile -t missing < <(apt_missing "${PKGS[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install setup-targets "${missing[@]}"
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
