# Shared part of paizi's cross toolchain files; the per-target file sets
# PAIZI_TRIPLET, PAIZI_DEB_ARCH, PAIZI_PROCESSOR and PAIZI_QEMU, then includes
# this. Route: a Debian bookworm sysroot (toolchains/make-sysroot.sh), Debian's
# cross compilers, and qemu-user to run the cross-built tests.
#
# Sysroot: -DRPI_SYSROOT=DIR, else env RPI_SYSROOT, else
# build-cross/sysroot-<deb-arch> in the source tree (where tools/cross-test.sh
# puts it).
if(NOT RPI_SYSROOT)
  if(DEFINED ENV{RPI_SYSROOT})
    set(RPI_SYSROOT "$ENV{RPI_SYSROOT}")
  else()
    set(RPI_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../build-cross/sysroot-${PAIZI_DEB_ARCH}")
  endif()
endif()
get_filename_component(RPI_SYSROOT "${RPI_SYSROOT}" ABSOLUTE)
if(NOT EXISTS "${RPI_SYSROOT}/usr/lib/${PAIZI_TRIPLET}")
  message(FATAL_ERROR "no ${PAIZI_DEB_ARCH} sysroot at ${RPI_SYSROOT}: run toolchains/make-sysroot.sh ${PAIZI_DEB_ARCH} ${RPI_SYSROOT}")
endif()
# Cached so that try_compile projects see it too.
set(RPI_SYSROOT "${RPI_SYSROOT}" CACHE PATH "target sysroot")
set(CMAKE_TRY_COMPILE_PLATFORM_VARIABLES RPI_SYSROOT PAIZI_TRIPLET PAIZI_DEB_ARCH PAIZI_PROCESSOR PAIZI_QEMU)

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${PAIZI_PROCESSOR})
set(CMAKE_C_COMPILER ${PAIZI_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${PAIZI_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${PAIZI_TRIPLET})
set(CMAKE_SYSROOT "${RPI_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads only the sysroot's .pc files and prefixes -I/-L with it.
set(ENV{PKG_CONFIG_DIR} "")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_LIBDIR} "${RPI_SYSROOT}/usr/lib/${PAIZI_TRIPLET}/pkgconfig:${RPI_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${RPI_SYSROOT}")

# ctest runs target binaries under qemu-user with the sysroot as the ELF
# interpreter and library prefix (there is no binfmt_misc on CI machines).
find_program(PAIZI_QEMU_EXECUTABLE NAMES ${PAIZI_QEMU} ${PAIZI_QEMU}-static REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${PAIZI_QEMU_EXECUTABLE};-L;${RPI_SYSROOT}")
