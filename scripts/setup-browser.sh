#!/usr/bin/env bash
# Installs Debian's chromium for the report's end-to-end tests (driven by playwright-core with
# executablePath /usr/bin/chromium; never `npx playwright install`, which downloads from the web).
# Idempotent: does nothing when chromium is already installed.
set -euo pipefail

if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
  echo "setup-browser: $(/usr/bin/chromium --version) already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-browser: installing chromium needs root (apt-get); run this script as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
retry() {
  local attempt
  for attempt in 1 2 3; do
    if "$@"; then return 0; fi
    echo "setup-browser: '$*' failed (attempt $attempt of 3)" >&2
    sleep $((attempt * 5))
  done
  return 1
}

retry apt-get update -qq
# fonts-liberation: without any font chromium renders text as tofu and charts' labels have no width.
retry apt-get install -y -qq --no-install-recommends chromium fonts-liberation
echo "setup-browser: $(/usr/bin/chromium --version) installed"
