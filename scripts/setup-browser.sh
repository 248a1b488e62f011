#!/usr/bin/env bash
# Installs Debian's chromium for the report's end-to-end tests (driven by playwright-core with
# executablePath /usr/bin/chromium; never `npx playwright install`, which downloads from the web).
# Idempotent: does nothing when chromium is already installed.
set -euo pipefail

if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
  echo "setup-browser: $(/usr/bin/chromium --version) already installed"
  exit 0
fi
. "$(dirname "$0")/lib/apt.sh"
# fonts-liberation: without any font chromium renders text as tofu and charts' labels have no width.
apt_install setup-browser chromium fonts-liberation
echo "setup-browser: $(/usr/bin/chromium --version) installed"
