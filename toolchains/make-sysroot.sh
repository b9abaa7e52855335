#!/usr/bin/env bash
# Build a Debian bookworm sysroot for cross-compiling paizi.
#
#   toolchains/make-sysroot.sh ARCH DEST      ARCH: arm64 | armhf
#
# The package list is deps.txt's `lib` role (headers + libraries + the fonts
# the tests need under qemu); nothing else is hard-coded here except the C/C++
# runtime headers. The sysroot is reused when DEST/.paizi-sysroot-stamp matches
# the current list, so calling this on every CI run costs nothing after the
# first (about 30 s and ~600 MB for arm64).
#
# Environment: MIRROR (Debian mirror URL; default: the host's apt source),
# SUITE (default bookworm: `stable` is now trixie, whose Catch2 is v3).
# Needs mmdebstrap and root (or a user namespace for --mode=unshare).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: $0 arm64|armhf DEST" >&2; exit 2; }
arch=$1
dest=$2
suite=${SUITE:-bookworm}
case "$arch" in arm64|armhf) ;; *) echo "$0: unknown arch $arch" >&2; exit 2 ;; esac

pkgs=$(awk '/^[[:space:]]*(#|$)/ { next } { for (i = 2; i <= NF; i++) if ($i == "lib") { print $1; break } }' \
  "$here/deps.txt" | sort | tr '\n' ',')
pkgs="libc6-dev,libstdc++-12-dev,${pkgs%,}"
stamp="$suite $arch $pkgs"
if [ -f "$dest/.paizi-sysroot-stamp" ] && [ "$(cat "$dest/.paizi-sysroot-stamp")" = "$stamp" ]; then
  echo "paizi: reusing sysroot $dest"
  exit 0
fi

if [ -z "${MIRROR:-}" ]; then
  MIRROR=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "${MIRROR:-}" ] || { echo "$0: set MIRROR to a Debian mirror URL" >&2; exit 2; }

echo "paizi: building $arch sysroot in $dest (suite $suite)"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
# --variant=extract unpacks without running maintainer scripts (no qemu
# needed). The merged-/usr hook matters: without it /lib links are missing and
# the linker silently falls back to host libraries.
# Its chatter (the hook's dpkg output) is shown only if it fails.
log=$(mktemp)
if ! mmdebstrap --quiet --arch="$arch" --variant=extract \
  --setup-hook=/usr/share/mmdebstrap/hooks/merged-usr/setup00.sh \
  --include="$pkgs" "$suite" "$dest" "$MIRROR" >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"

# Absolute symlinks (usr/lib/<triplet>/libm.so -> /lib/...) would resolve on the
# host: make them relative to the sysroot.
find "$dest" -type l -lname '/*' | while read -r link; do
  target=$(readlink "$link")
  ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$dest$target")" "$link"
done
# fontconfig under qemu -L reads the sysroot's /etc/fonts; its cache is built
# lazily. Docs, man pages and locales are not needed to link or test.
rm -rf "$dest"/usr/share/doc "$dest"/usr/share/man "$dest"/usr/share/locale "$dest"/var/cache/apt/archives/*.deb
printf '%s' "$stamp" > "$dest/.paizi-sysroot-stamp"
du -sm "$dest"
