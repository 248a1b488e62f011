# Shared by the setup scripts (sourced, not run): install Debian packages that are missing, with the
# retries every script needs (one apt-get in three here fails once and works on retry).
#
#   apt_missing PKG...          prints the packages of the list that are not installed
#   apt_install NAME PKG...     installs PKG... (needs root), retrying apt-get update+install 3 times;
#                               NAME prefixes every message; exits the script on the third failure

apt_missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

apt_install() {
  local name=$1; shift
  if [ "$(id -u)" != 0 ]; then
    echo "$name: installing $* needs root; run: sudo apt-get install -y $*" >&2
    exit 1
  fi
  echo "$name: installing $*"
  export DEBIAN_FRONTEND=noninteractive
  local attempt
  for attempt in 1 2 3; do
    if apt-get update -q && apt-get install -y -q --no-install-recommends "$@"; then return 0; fi
    echo "$name: apt-get install $* failed (attempt $attempt of 3)" >&2
    sleep $((attempt * 5))
  done
  echo "$name: apt-get install $* failed 3 times" >&2
  exit 1
}
