# Install layout and the Debian package (issue 8, "Install and packaging").
#
#   cmake --install BUILD --prefix /usr [--strip]      (DESTDIR=... for a scratch root)
#   cmake --build BUILD --target package                -> BUILD/sfwarden_<ver>_<arch>.deb
#
# FHS places with prefix /usr (the unit names /usr/bin/sfwarden and /etc/sfwarden, so a
# systemd install needs prefix /usr; the .deb always uses it):
#   /usr/bin/sfwarden
#   /usr/lib/systemd/system/sfwarden.service
#   /etc/sfwarden/sfwarden.yml               example to edit (a dpkg conffile)
#   /usr/share/sfwarden/prometheus/sfwarden.rules.yml
#   /usr/share/sfwarden/grafana/sfwarden-dashboard.json
#   /usr/share/doc/sfwarden/                 README, metrics, configuration, install, examples/
# No sysusers.d or tmpfiles.d files: the unit uses DynamicUser=, StateDirectory= and
# ConfigurationDirectory= (systemd/sfwarden.service). No maintainer scripts either: the
# package neither enables nor starts the service; the operator edits the config first.
# tests/packaging checks the installed file list and verifies the installed unit.
#
# The default prefix is /usr rather than /usr/local, so that the installed unit's paths
# hold; configure with -DCMAKE_INSTALL_PREFIX=... to change it (before GNUInstallDirs,
# which derives sysconfdir from it).
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

install(TARGETS sfwarden RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/systemd/sfwarden.service DESTINATION lib/systemd/system)
# The config goes to /etc for prefix /usr, else PREFIX/etc, decided by the prefix at
# install time: GNUInstallDirs fixes sysconfdir at configure time, so a build configured
# for /usr/local would put it under /usr/local/etc in `cmake --install --prefix /usr` and
# in the .deb (whose conffiles name /etc/sfwarden/sfwarden.yml). file(INSTALL) adds
# DESTDIR itself.
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(_sfwarden_etc /etc)
  else()
    set(_sfwarden_etc \"\${CMAKE_INSTALL_PREFIX}/etc\")
  endif()
  file(INSTALL DESTINATION \"\${_sfwarden_etc}/sfwarden\" TYPE FILE RENAME sfwarden.yml
       FILES \"${PROJECT_SOURCE_DIR}/examples/sfwarden.small.yml\")
")
install(FILES ${PROJECT_SOURCE_DIR}/alerts/prometheus/sfwarden.rules.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/sfwarden/prometheus)
install(FILES ${PROJECT_SOURCE_DIR}/grafana/sfwarden-dashboard.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/sfwarden/grafana)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/metrics.md
              ${PROJECT_SOURCE_DIR}/docs/configuration.md ${PROJECT_SOURCE_DIR}/docs/install.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/examples/sfwarden.small.yml
              ${PROJECT_SOURCE_DIR}/examples/sfwarden.full.yml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(SFWARDEN_PACKAGE_CONTACT "sfwarden maintainers <root@localhost>"
    CACHE STRING "Maintainer field of the .deb")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sfwarden)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${SFWARDEN_PACKAGE_CONTACT})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Salesforce integration-user guard")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "sfwarden watches the integration users of Salesforce orgs (logins, API usage, "
       "permission drift), exports Prometheus metrics, raises alerts and can re-apply a "
       "permission baseline. Ships a systemd unit, Prometheus alerting rules and a Grafana "
       "dashboard.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the binary's shared libraries (dpkg-shlibdeps). The unit needs systemd, but
# the binary runs without it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS systemd)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus, prometheus-alertmanager")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
