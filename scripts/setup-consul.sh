#!/usr/bin/env bash
# Installs the Consul server binary for the consul target. Debian bookworm has no consul package, but
# bullseye's (Consul 1.8.7, a Go binary linking only glibc) runs here. It is fetched with apt from the
# mirror this machine already uses, through a private sources list, state and cache dir, so the
# system's apt sources are never touched, then unpacked and installed as /usr/local/bin/consul.
# Idempotent: a consul already on PATH is kept. Retries apt (single installs sometimes fail here).
set -euo pipefail

DEST=${CONSUL_DEST:-/usr/local/bin/consul}

if [ "$(id -u)" != 0 ]; then
  echo "setup-consul: must run as root (installs $DEST); try: sudo $0" >&2
  exit 1
fi

if command -v consul >/dev/null 2>&1 && consul version >/dev/null 2>&1; then
  echo "setup-consul: $(consul version | head -1) already at $(command -v consul)"
  exit 0
fi

# The Debian mirrors apt already uses (deb822 URIs: lines and one-line deb entries; comments skipped).
mirrors=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | grep -v '^[[:space:]]*#' | grep -oE 'https?://[^ ]+/debian/?' | sed 's:/*$::' | awk '!seen[$0]++' || true)
[ -n "$mirrors" ] || mirrors=http://deb.debian.org/debian

B=$(mktemp -d)
trap 'rm -rf "$B"' EXIT
mkdir -p "$B/lists/partial" "$B/archives/partial"
O=(-o "Dir::Etc::sourcelist=$B/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$B/lists" -o "Dir::Cache::Archives=$B/archives"
   -o "APT::Sandbox::User=root")  # the private dirs are root's: no _apt sandbox (it only warns and falls back)

fetched=
for attempt in 1 2 3; do
  for m in $mirrors; do
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $m bullseye main" > "$B/sources.list"
    if apt-get "${O[@]}" -q update >/dev/null && (cd "$B" && apt-get "${O[@]}" -q download consul >/dev/null); then
      fetched=yes; break 2
    fi
    echo "setup-consul: could not fetch consul from $m bullseye (attempt $attempt)" >&2
  done
  sleep 5
done
if [ -z "$fetched" ]; then echo "setup-consul: apt-get download consul (bullseye) failed 3 times" >&2; exit 1; fi

dpkg-deb -x "$B"/consul_*.deb "$B/x"
install -m 0755 "$B/x/usr/bin/consul" "$DEST"
echo "setup-consul: installed $("$DEST" version | head -1) as $DEST"
