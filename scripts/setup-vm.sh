#!/usr/bin/env bash
# Installs what the VM test host needs (harness/middle/hosts/ssh/vm-bed.ts, `npm run test:vm`): QEMU to
# boot it (KVM when the CPU offers it, else TCG software emulation), debootstrap and cpio to build its
# image from Debian packages, OpenSSH's client for its generated keys, iproute2 for its tap link.
# The kernel is not installed here: the image build downloads Debian's linux-image package with
# apt-get and takes vmlinuz and the few modules it needs out of it. Idempotent; retries apt-get.
set -euo pipefail
. "$(dirname "$0")/lib/apt.sh"

if [ "$(id -u)" != 0 ]; then
  echo "setup-vm: must run as root (apt-get install); try: sudo $0" >&2
  exit 1
fi

PKGS=(qemu-system-x86 debootstrap cpio openssh-client iproute2)
mapfile -t missing < <(apt_missing "${PKGS[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install setup-vm "${missing[@]}"
else
  echo "setup-vm: all packages present"
fi
if [ ! -e /dev/net/tun ]; then
  echo "setup-vm: /dev/net/tun is missing; the VM's tap link needs the tun device" >&2
  exit 1
fi
accel=tcg
if [ -r /dev/kvm ] && grep -qE 'vmx|svm' /proc/cpuinfo; then accel=kvm; fi
echo "setup-vm: $(qemu-system-x86_64 --version | head -1) (accelerator here: $accel)"
