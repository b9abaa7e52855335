# Install layout beyond the program and its data, and CPack's Debian packages.
#
# `cmake --install` (prefix /usr for packages):
#   /usr/bin/paizi                         program
#   /usr/share/paizi/{fonts,playlists}/    font rules, demo playlist (+ schema.json when present)
#   /lib/systemd/system/paizi.service      unit (PAIZI_UNITDIR)
#   /etc/paizi/paizi.conf                  documented example settings (a conffile)
#   /usr/share/doc/paizi/                  board notes, copyright, changelog
#   /usr/share/man/man1/paizi.1            manual page
#
# Packages: tools/package.sh ARCH (amd64 natively; arm64/armhf from a cross
# build dir) -> build-*/paizi_VERSION_ARCH.deb.

if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_unitdir_default /lib/systemd/system)  # Debian 12's unit directory
else()
  set(_unitdir_default ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
# Empty: follows the prefix, also when a build directory is reconfigured
# with another prefix. (PAIZI_SYSTEMD_UNITDIR, its old name, cached the
# default of the first configure and kept it after a prefix change.)
unset(PAIZI_SYSTEMD_UNITDIR CACHE)
set(PAIZI_UNITDIR "" CACHE PATH "where the systemd unit is installed (empty: from the prefix)")
if(PAIZI_UNITDIR)
  set(_unitdir ${PAIZI_UNITDIR})
else()
  set(_unitdir ${_unitdir_default})
endif()

# The unit names the installed program and settings file.
# Read at configure time: an edit of the unit or of deps.txt configures again
# (a package built after an edit carried the old unit and Depends:).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/systemd/paizi.service ${PROJECT_SOURCE_DIR}/deps.txt)
file(READ ${PROJECT_SOURCE_DIR}/systemd/paizi.service _unit)
string(REPLACE "/usr/bin/paizi" "${CMAKE_INSTALL_FULL_BINDIR}/paizi" _unit "${_unit}")
string(REPLACE "--config /etc/paizi/" "--config ${CMAKE_INSTALL_FULL_SYSCONFDIR}/paizi/" _unit "${_unit}")
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/systemd/paizi.service CONTENT "${_unit}" @ONLY)

install(FILES ${PROJECT_BINARY_DIR}/systemd/paizi.service DESTINATION ${_unitdir})
install(FILES systemd/paizi.conf DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/paizi)
if(EXISTS ${PROJECT_SOURCE_DIR}/docs/raspberry-pi.md)
  install(FILES docs/raspberry-pi.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

option(PAIZI_DEB "Configure for building .deb packages (prefix /usr, Debian doc files)" OFF)
if(NOT PAIZI_DEB)
  install(FILES packaging/paizi.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  return()
endif()

# Debian wants its own copyright and a compressed changelog in the doc dir.
install(FILES packaging/deb/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
string(TIMESTAMP _date "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(CPACK_PACKAGE_CONTACT "paizi developers <paizi@example.org>")
file(WRITE ${PROJECT_BINARY_DIR}/changelog
  "paizi (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
  "  * Built from the paizi source tree with CPack.\n\n"
  " -- ${CPACK_PACKAGE_CONTACT}  ${_date}\n")
execute_process(COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/changelog COMMAND_ERROR_IS_FATAL ANY)
install(FILES ${PROJECT_BINARY_DIR}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
configure_file(packaging/paizi.1 ${PROJECT_BINARY_DIR}/paizi.1 COPYONLY)
execute_process(COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/paizi.1 COMMAND_ERROR_IS_FATAL ANY)
install(FILES ${PROJECT_BINARY_DIR}/paizi.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

if(CMAKE_CROSSCOMPILING)
  set(_arch ${PAIZI_DEB_ARCH})  # from toolchains/*.cmake
else()
  execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE _arch OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME paizi)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "digital-signage player for lobby displays")
set(CPACK_PACKAGE_DESCRIPTION "paizi shows playlists of slogan, news, KPI and image slides on a\n\
 full-screen display. It runs as a hardened systemd service on Raspberry-class\n\
 boards, drawing with KMSDRM without an X server, and typesets Chinese,\n\
 Japanese and Korean text with line breaking and vertical layout.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${_arch})
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/deb/postinst ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
  ${PROJECT_SOURCE_DIR}/packaging/deb/postrm ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles
  ${PROJECT_SOURCE_DIR}/packaging/deb/triggers)
# Library dependencies: dpkg-shlibdeps on a native build. A cross build has no
# dpkg database for its sysroot, so tools/package.sh passes the native
# package's list in PAIZI_DEB_LIB_DEPENDS (same deps.txt, same bookworm
# library packages on every architecture).
set(PAIZI_DEB_LIB_DEPENDS "" CACHE STRING "Depends: for a cross-built package (from the native one)")
# Plus deps.txt's `run` role (the fonts), the one list of what the board needs.
file(STRINGS ${PROJECT_SOURCE_DIR}/deps.txt _deps REGEX "^[^# \t]+([ \t]+[a-z]+)*[ \t]+run([ \t]|$)")
set(_run_depends "")
foreach(_line IN LISTS _deps)
  string(REGEX MATCH "^[^ \t]+" _pkg "${_line}")
  list(APPEND _run_depends ${_pkg})
endforeach()
list(JOIN _run_depends ", " _run_depends)
if(CMAKE_CROSSCOMPILING)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${PAIZI_DEB_LIB_DEPENDS}, ${_run_depends}")
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_run_depends}")
endif()
include(CPack)
