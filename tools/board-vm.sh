#!/usr/bin/env bash
# The emulated board: a Debian 12 system booted under QEMU that runs paizi the
# way a lobby runs it (the .deb installed with apt, paizi.service as shipped,
# KMSDRM on a virtio-gpu display, no X, no login session, no network but the
# host's playlist server forwarded by QEMU's user network with restrict=on).
#
#   tools/board-vm.sh image [DEB]   build build-vm/board.img (+ vmlinuz, initrd.img)
#                                   from Debian packages with mmdebstrap and
#                                   install DEB (default build-deb/paizi_*_amd64.deb)
#   tools/board-vm.sh test  [DEB]   image, then tests/board/board_test.py: boots it
#                                   and checks the service, the screen, reload,
#                                   restarts, the watchdog, the journal and an
#                                   offline reboot from the host (run by tools/dev.sh test)
#   tools/board-vm.sh boot          boot the image with the serial console on this
#                                   terminal (log in as root, no password; Ctrl-a x quits)
#
# amd64 guest under TCG (no KVM is assumed; PAIZI_VM_ACCEL=kvm uses it where
# /dev/kvm works). Why amd64 and not arm64, and what that leaves unverified:
# docs/raspberry-pi.md, "The emulated board". Nothing host-wide is changed: no
# binfmt_misc, no bridges; the guest reaches only the forwards the test sets up.
#
# Cached in build-vm/ for a rerun: the downloaded .debs (apt-cache/) and the
# base system (base.tar, keyed by this script's package list): a rerun only
# unpacks it and installs the new paizi package with apt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${PAIZI_VM_DIR:-build-vm}
mkdir -p "$out"
out=$(realpath "$out")

# The board's base system: what a Debian 12 Lite image has (kernel, systemd,
# udev, a DHCP client, alsa-utils, whose alsa-restore.service sets the sound
# card's mixer at boot: ALSA drivers start with every control muted) and
# qemu-guest-agent, the host's way in for the checks. Nothing of paizi's:
# its dependencies come from the package's Depends:.
base_pkgs=systemd-sysv,udev,kmod,linux-image-amd64,initramfs-tools,qemu-guest-agent,iproute2,procps,apt,alsa-utils

mirror() {
  local m=${MIRROR:-}
  [ -n "$m" ] || m=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  echo "${m:-http://deb.debian.org/debian}"
}

build_base() {
  local key
  key=$(printf '%s\n' "$base_pkgs" | sha256sum | cut -c1-16)
  if [ -f "$out/base.tar" ] && [ "$(cat "$out/base.key" 2>/dev/null)" = "$key" ]; then
    echo "board-vm: base system cached ($out/base.tar)"
    return
  fi
  echo "board-vm: building the base system with mmdebstrap (bookworm, amd64)"
  mkdir -p "$out/apt-cache"
  rm -f "$out/base.tar"
  mmdebstrap --quiet --variant=apt --include="$base_pkgs" \
    --skip=download/empty --skip=essential/unlink \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
    --setup-hook="sync-in $out/apt-cache /var/cache/apt/archives/" \
    --customize-hook="sync-out /var/cache/apt/archives $out/apt-cache" \
    --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
    bookworm "$out/base.tar" "$(mirror)"
  echo "$key" >"$out/base.key"
}

# The site's monitoring, added after paizi as a site would: Debian's
# node_exporter (its textfile collector reads paizi's metrics through the
# link the package's trigger makes; tests/board checks /metrics).

# Runs inside the guest's root (chroot) after paizi is installed: what an
# installer or a first boot would set, nothing that paizi needs.
configure_guest() {
  local root=$1
  echo board >"$root/etc/hostname"
  printf '127.0.1.1 board\n' >>"$root/etc/hosts"
  printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
  mkdir -p "$root/etc/systemd/network"
  printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n' >"$root/etc/systemd/network/20-wired.network"
  chroot "$root" systemctl enable systemd-networkd.service >/dev/null 2>&1
  chroot "$root" systemctl disable systemd-networkd-wait-online.service >/dev/null 2>&1 || true
  # A human may log in on the serial console (tools/board-vm.sh boot).
  chroot "$root" passwd -d root >/dev/null
  # The content server: the host's test server, forwarded to 10.0.2.100:80.
  sed -i 's|^playlist =.*|playlist = http://10.0.2.100/board.json|' "$root/etc/paizi/paizi.conf"
}

build_image() {
  local deb=$1
  build_base
  local root="$out/root"
  rm -rf "$root" "$out/board.img"
  mkdir -p "$root"
  tar -C "$root" -xf "$out/base.tar"
  # The package as a user installs it: apt resolves its Depends: from Debian.
  cp "$deb" "$root/tmp/"
  mkdir -p "$root/var/cache/apt/archives"
  cp "$out"/apt-cache/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
  mount --bind /proc "$root/proc"
  trap 'umount "'"$root"'/proc" 2>/dev/null || true' RETURN
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  chroot "$root" sh -c "DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/$(basename "$deb") &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-node-exporter" \
    >"$out/apt-install.log" 2>&1 || { cat "$out/apt-install.log" >&2; return 1; }
  cp -n "$root"/var/cache/apt/archives/*.deb "$out/apt-cache/" 2>/dev/null || true
  rm -f "$root"/var/cache/apt/archives/*.deb "$root/tmp/$(basename "$deb")"
  umount "$root/proc"
  : >"$root/etc/resolv.conf"
  configure_guest "$root"
  cp "$root"/boot/vmlinuz-* "$out/vmlinuz"
  cp "$root"/boot/initrd.img-* "$out/initrd.img"
  chroot "$root" dpkg-query -W -f='${Package} ${Version}\n' >"$out/packages.txt"
  mkfs.ext4 -q -F -L board -d "$root" "$out/board.img" 4G
  rm -rf "$root"
  echo "board-vm: $out/board.img ($(du -h --apparent-size "$out/board.img" | cut -f1), $(wc -l <"$out/packages.txt") packages, $(basename "$deb"))"
}

default_deb() { ls build-deb/paizi_*_amd64.deb 2>/dev/null | head -n1; }

case "${1:-}" in
  image)
    deb=${2:-$(default_deb)}
    [ -f "$deb" ] || { echo "board-vm: no package (tools/package.sh amd64 builds it)" >&2; exit 1; }
    build_image "$(realpath "$deb")"
    ;;
  test)
    deb=${2:-$(default_deb)}
    [ -f "$deb" ] || { echo "board-vm: no package (tools/package.sh amd64 builds it)" >&2; exit 1; }
    build_image "$(realpath "$deb")"
    exec /usr/bin/python3 tests/board/board_test.py --vm-dir "$out" --paizi build/paizi
    ;;
  boot)
    [ -f "$out/board.img" ] || { echo "board-vm: no image (tools/board-vm.sh image)" >&2; exit 1; }
    accel=${PAIZI_VM_ACCEL:-tcg}
    exec qemu-system-x86_64 -accel "$accel" -m 1536 -smp 2 -nographic \
      -kernel "$out/vmlinuz" -initrd "$out/initrd.img" \
      -append "root=/dev/vda rw console=ttyS0" \
      -drive "file=$out/board.img,format=raw,if=virtio" \
      -vga none -device virtio-gpu-pci,xres=1280,yres=720 -device virtio-rng-pci \
      -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0
    ;;
  *)
    echo "usage: tools/board-vm.sh image|test|boot [DEB]" >&2
    exit 2
    ;;
esac
