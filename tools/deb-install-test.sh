#!/usr/bin/env bash
# Install the amd64 .deb the way a user would, on a fresh Debian 12 root:
# `dpkg -i` (which stops at the missing dependencies), then apt fetches them.
# Then checks that the program runs from the package and that the unit is
# installed, enabled and passes `systemd-analyze verify`.
#
#   tools/deb-install-test.sh [PACKAGE.deb]     (default build-deb/paizi_*_amd64.deb)
#
# The root is a throw-away mmdebstrap chroot (no systemd as PID 1 there, so
# `systemctl cat` is replaced by the offline equivalents: is-enabled --root
# and the installed unit file itself).
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "${1:-$(ls build-deb/paizi_*_amd64.deb | head -n1)}")
root=$(mktemp -d /tmp/paizi-deb-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
if [ -z "${MIRROR:-}" ]; then
  MIRROR=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi

mmdebstrap --quiet --variant=apt --include=systemd bookworm "$root" "$MIRROR" \
  --customize-hook="copy-in $deb /tmp" \
  --customize-hook='chroot "$1" dpkg -i /tmp/'"$(basename "$deb")"' >/dev/null 2>&1 || true' \
  --customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -f install >/dev/null' \
  --customize-hook='chroot "$1" dpkg -s paizi | grep -E "^(Status|Version):"' \
  --customize-hook='chroot "$1" paizi --version' \
  --customize-hook='chroot "$1" systemctl --root=/ is-enabled paizi.service' \
  --customize-hook='chroot "$1" sh -c "systemd-analyze verify --man=no /lib/systemd/system/paizi.service 2>&1 | tee /tmp/verify; ! test -s /tmp/verify"' \
  --customize-hook='chroot "$1" sh -c "ls -l /etc/paizi/ && grep -E ^ExecStart= /lib/systemd/system/paizi.service"' \
  --customize-hook='chroot "$1" sh -c "PAIZI_DATA_DIR= SDL_VIDEODRIVER=dummy paizi play --headless --duration 1s"'
echo "deb-install-test: $(basename "$deb") installs and runs on a fresh Debian 12 root"
