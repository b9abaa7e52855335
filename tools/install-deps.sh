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
# Packages that ship a daemon (nginx, prometheus, node_exporter: the tests
# start their own on 127.0.0.1 and stop them) are not started by their
# install: a policy-rc.d that refuses every start, only while apt runs and
# only when the machine has none of its own.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap '$SUDO rm -f "$policy"' EXIT
  printf '#!/bin/sh\n# paizi: tools/install-deps.sh, removed when it ends\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
