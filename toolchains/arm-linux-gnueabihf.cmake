# Cross toolchain: 32-bit Raspberry Pi OS / Debian armhf (ARMv7 hard-float:
# Pi 2, 3, 4 in 32-bit mode; not ARMv6 boards such as the Pi Zero or Pi 1).
#   cmake -S . -B build-cross/armhf -DCMAKE_TOOLCHAIN_FILE=toolchains/arm-linux-gnueabihf.cmake
set(PAIZI_TRIPLET arm-linux-gnueabihf)
set(PAIZI_DEB_ARCH armhf)
set(PAIZI_PROCESSOR arm)
set(PAIZI_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
