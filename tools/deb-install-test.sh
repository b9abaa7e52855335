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
#
# Prometheus metrics (docs/metrics.md): without node_exporter the shipped
# configuration writes no metrics anywhere; prometheus-node-exporter installed
# afterwards (dpkg's trigger) gets the link to /run/paizi/paizi.prom; the
# player, as an unprivileged user like the unit's dynamic one, writes through
# it, and node_exporter (Debian's defaults, as its own user) serves
# paizi_build_info on 127.0.0.1; `dpkg -r paizi` removes the link. The real
# unit under systemd is checked on the emulated board (tests/board).
set -euo pipefail
cd "$(dirname "$0")/.."

# --metrics-check ROOT: run by a customize hook below, on the host.
if [ "${1:-}" = --metrics-check ]; then
  root=$2
  port=$((20000 + RANDOM % 20000))
  install -d -o 65534 "$root/run/paizi"  # the unit's RuntimeDirectory=, owned by the service's user
  chroot "$root" setpriv --reuid=prometheus --regid=prometheus --clear-groups \
    prometheus-node-exporter --collector.disable-defaults --collector.textfile \
    --web.listen-address="127.0.0.1:$port" >"$root/tmp/node-exporter.log" 2>&1 &
  ne=$!
  trap 'kill $ne 2>/dev/null || true' EXIT
  chroot "$root" setpriv --reuid=65534 --regid=65534 --clear-groups env PAIZI_DATA_DIR= SDL_VIDEODRIVER=dummy \
    paizi play --config /etc/paizi/paizi.conf --state-dir /tmp/state --headless --realtime --duration 3s \
    --metrics-every 1s 2>&1 | grep -i metrics || true
  ls -l "$root/var/lib/prometheus/node-exporter/" "$root/run/paizi/"
  scrape=""
  for _ in $(seq 50); do
    scrape=$(curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null) && break
    sleep 0.2
  done
  printf '%s\n' "$scrape" | grep -E '^(paizi_build_info|node_textfile_scrape_error|node_textfile_mtime_seconds)' || true
  printf '%s\n' "$scrape" | grep -q '^paizi_build_info{' ||
    { echo "deb-install-test: node_exporter does not serve paizi_build_info" >&2; cat "$root/tmp/node-exporter.log" >&2; exit 1; }
  printf '%s\n' "$scrape" | grep -qx 'node_textfile_scrape_error 0' ||
    { echo "deb-install-test: node_exporter's textfile collector reports an error" >&2; exit 1; }
  exit 0
fi
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
  --customize-hook='chroot "$1" sh -c "PAIZI_DATA_DIR= SDL_VIDEODRIVER=dummy paizi play --headless --duration 1s"' \
  --customize-hook='chroot "$1" sh -c "PAIZI_DATA_DIR= SDL_VIDEODRIVER=dummy paizi play --config /etc/paizi/paizi.conf --headless --duration 1s"' \
  --customize-hook='chroot "$1" sh -c "! test -e /var/lib/prometheus && ! test -e /run/paizi/paizi.prom && echo no collector: no metrics written"' \
  --customize-hook='chroot "$1" sh -c "printf \"#!/bin/sh\nexit 101\n\" >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d"' \
  --customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-node-exporter >/dev/null' \
  --customize-hook='chroot "$1" sh -c "ls -l /var/lib/prometheus/node-exporter/paizi.prom; test \"\$(readlink /var/lib/prometheus/node-exporter/paizi.prom)\" = /run/paizi/paizi.prom"' \
  --customize-hook="$PWD/tools/deb-install-test.sh --metrics-check \"\$1\"" \
  --customize-hook='chroot "$1" dpkg -r paizi >/dev/null && chroot "$1" sh -c "! test -L /var/lib/prometheus/node-exporter/paizi.prom && echo removed: the metrics link is gone"'
echo "deb-install-test: $(basename "$deb") installs and runs on a fresh Debian 12 root"
