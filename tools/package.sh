#!/usr/bin/env bash
# Build paizi's .deb for one architecture with CPack and check it with lintian.
#
#   tools/package.sh amd64          the CI build in build/ when it is
#                                   configured for the .deb (preset ci),
#                                   else a native build in build-deb/amd64
#   tools/package.sh arm64|armhf    from the cross build in build-cross/ARCH
#                                   (made and tested by tools/cross-test.sh,
#                                   run here if missing); needs the amd64
#                                   package, whose library Depends: it reuses
#
# Prints the package path, its control fields and lintian's verdict; fails on
# any lintian error. Packages land in build-deb/paizi_VERSION_ARCH.deb.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-amd64}
jobs=${PAIZI_JOBS:-2}
out=build-deb
native_deb() { ls "$out"/paizi_*_amd64.deb 2>/dev/null | head -n1; }

case "$arch" in
  amd64)
    # The CI build (preset ci: prefix /usr, PAIZI_DEB), tested just before,
    # is packaged as it is; otherwise a build of its own.
    if grep -qx 'PAIZI_DEB:BOOL=ON' build/CMakeCache.txt 2>/dev/null &&
       grep -qx 'CMAKE_INSTALL_PREFIX:PATH=/usr' build/CMakeCache.txt; then
      build=build
    else
      build=$out/amd64
      cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
        -DPAIZI_DEB=ON -DBUILD_TESTING=OFF -DPAIZI_BENCH=OFF >/dev/null
    fi
    ;;
  arm64|armhf)
    build=build-cross/$arch
    [ -f "$build/CMakeCache.txt" ] || tools/cross-test.sh "$arch"
    native=$(native_deb)
    [ -n "$native" ] || { echo "package: build the amd64 package first (its Depends: are reused)" >&2; exit 1; }
    # What dpkg-shlibdeps found (libraries, zlib1g, ...), without deps.txt's
    # run role, which CMake appends again (not to list libcurl4 twice).
    run_pkgs=$(awk '!/^#/ && NF > 1 { for (i = 2; i <= NF; ++i) if ($i == "run") print $1 }' deps.txt)
    lib_depends=$(dpkg-deb -f "$native" Depends | tr ',' '\n' | sed 's/^ *//' |
      grep -v -x -F -f <(printf '%s\n' $run_pkgs) | paste -sd, - | sed 's/,/, /g')
    cmake -B "$build" -DPAIZI_DEB_LIB_DEPENDS="$lib_depends" >/dev/null
    ;;
  *) echo "usage: $0 amd64|arm64|armhf" >&2; exit 2 ;;
esac
cmake --build "$build" -j"$jobs"
mkdir -p "$out"
rm -f "$out"/paizi_*_"$arch".deb
(cd "$build" && cpack -G DEB -B "$OLDPWD/$out" >/dev/null)
deb=$(ls "$out"/paizi_*_"$arch".deb)
echo "package: $deb ($(stat -c %s "$deb") bytes)"
dpkg-deb -f "$deb" Package Version Architecture Depends | sed 's/^/  /'

# lintian: errors fail, warnings are shown.
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v "running with root privileges") || true
[ -z "$lintian_out" ] || printf '%s\n' "$lintian_out" | sed 's/^/  /'
errors=$(printf '%s\n' "$lintian_out" | grep -c '^E:' || true)
warnings=$(printf '%s\n' "$lintian_out" | grep -c '^W:' || true)
echo "package: lintian on $arch: $errors errors, $warnings warnings"
[ "$errors" -eq 0 ]
