#!/usr/bin/env bash
# Cross-build paizi for a Raspberry-class board and run its unit tests under
# qemu-user (ctest goes through CMAKE_CROSSCOMPILING_EMULATOR).
#
#   tools/cross-test.sh [arm64|armhf]      (default arm64)
#
# The sysroot (toolchains/make-sysroot.sh, from deps.txt) is cached in
# build-cross/sysroot-ARCH and reused; the build goes to build-cross/ARCH.
# Fails if the stripped binary is larger than PAIZI_MAX_BINARY_BYTES (3 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-arm64}
case "$arch" in
  arm64) toolchain=toolchains/aarch64-linux-gnu.cmake; triplet=aarch64-linux-gnu ;;
  armhf) toolchain=toolchains/arm-linux-gnueabihf.cmake; triplet=arm-linux-gnueabihf ;;
  *) echo "usage: $0 [arm64|armhf]" >&2; exit 2 ;;
esac
max_bytes=${PAIZI_MAX_BINARY_BYTES:-3145728}
sysroot=$PWD/build-cross/sysroot-$arch
build=build-cross/$arch
jobs=${PAIZI_JOBS:-2}

t0=$SECONDS
toolchains/make-sysroot.sh "$arch" "$sysroot"
t1=$SECONDS
# Prefix /usr and PAIZI_DEB: tools/package.sh makes the .deb from this same build.
# -O2 as the native build, without -g: the package is stripped (CPACK_STRIP_FILES)
# and nothing reads the cross build's debug info, which cost a third of its
# compile time (two cross builds per CI run).
cmake --no-warn-unused-cli -S . -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DRPI_SYSROOT="$sysroot" \
  -DCMAKE_INSTALL_PREFIX=/usr -DPAIZI_DEB=ON \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DPAIZI_WERROR=ON -DPAIZI_BENCH=OFF >/dev/null
cmake --build "$build" -j"$jobs"
t2=$SECONDS
file "$build/paizi" | sed 's/, BuildID[^,]*//'
# Under qemu the tests see the sysroot's fonts (fonts-noto-cjk is in deps.txt's lib role).
# The unit tests run under qemu-user. Tests that start the paizi program as a
# subprocess (CLI, fault-server and kill tests) cannot: qemu-user does not
# follow a foreign binary exec'd by the test without binfmt_misc. A cross
# build does not define them (paizi_add_process_test in tests/CMakeLists.txt);
# they run in the native suite. test_service starts paizi through
# PAIZI_EMULATOR and stays.
ctest --test-dir "$build" -j"$jobs" --output-on-failure --timeout 600
t3=$SECONDS

stripped=$build/paizi.stripped
"$triplet-strip" -o "$stripped" "$build/paizi"
size=$(stat -c %s "$stripped")
echo "paizi: stripped $arch binary: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB; limit $max_bytes)"
echo "paizi: $arch timings: sysroot $((t1 - t0)) s, build $((t2 - t1)) s, tests under qemu $((t3 - t2)) s"
if [ "$size" -gt "$max_bytes" ]; then
  echo "paizi: the stripped $arch binary is larger than $max_bytes bytes" >&2
  exit 1
fi
