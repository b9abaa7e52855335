# Cross toolchain: 64-bit Raspberry Pi OS / Debian arm64 (Pi 3, 4, 5, Zero 2).
#   cmake -S . -B build-cross/arm64 -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux-gnu.cmake
set(PAIZI_TRIPLET aarch64-linux-gnu)
set(PAIZI_DEB_ARCH arm64)
set(PAIZI_PROCESSOR aarch64)
set(PAIZI_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
