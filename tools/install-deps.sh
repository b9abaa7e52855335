#!/usr/bin/env bash
# Install the Debian packages from deps.txt whose role is one of the arguments
# (e.g. `tools/install-deps.sh build lib run test`). Installs only what is
# missing, with --no-install-recommends. Must run as root (or with sudo).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || { echo "usage: $0 ROLE..." >&2; exit 2; }

wanted=$(awk -v roles=" $* " '
  /^[[:space:]]*(#|$)/ { next }
  { for (i = 2; i <= NF; i++) if (index(roles, " " $i " ")) { print $1; break } }
' "$here/deps.txt")

missing=()
for p in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "paizi: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
