# Linux: freedesktop integration, man pages, and the .deb and .tar.gz packages.

install(FILES ${CMAKE_CURRENT_LIST_DIR}/${DCR_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/${DCR_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)

install(FILES ${DCR_ICON_SVG} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size IN LISTS DCR_ICON_PNG_SIZES)
    install(FILES ${DCR_ICON_DIR}/hicolor/${size}x${size}/apps/${DCR_APP_ID}.png
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Man pages from the built binaries' own --help and --version, so they cannot fall behind the
# options; installer/linux/*.h2m add what --help does not say (exit codes, files, environment).
find_program(DCR_HELP2MAN help2man)
if(DCR_HELP2MAN)
    set(_dcr_man_outputs)
    foreach(tool dcr-wizard dcr-sandbox)
        if(tool STREQUAL "dcr-wizard")
            set(name "set up Kong Konnect Dev Portal DCR with Microsoft Entra ID")
        else()
            set(name "offline imitation of Microsoft Entra ID and Kong Konnect for demos and tests")
        endif()
        set(include ${CMAKE_CURRENT_LIST_DIR}/${tool}.h2m)
        set(page ${CMAKE_CURRENT_BINARY_DIR}/man/${tool}.1)
        # The C locale keeps the page English whatever translation the build machine's locale picks;
        # no display is needed because both binaries parse their arguments before any GUI exists.
        add_custom_command(OUTPUT ${page}.gz
            COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
            COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C.UTF-8 LANG=C.UTF-8 LANGUAGE= QT_QPA_PLATFORM=offscreen
                    ${DCR_HELP2MAN} --no-info --no-discard-stderr --section=1 --name=${name}
                    --include=${include} --output=${page} $<TARGET_FILE:${tool}>
            COMMAND gzip -9nf ${page}
            DEPENDS ${tool} ${include}
            COMMENT "Generating the ${tool}(1) man page with help2man"
            VERBATIM)
        list(APPEND _dcr_man_outputs ${page}.gz)
    endforeach()
    add_custom_target(dcr-man-pages ALL DEPENDS ${_dcr_man_outputs})
    install(FILES ${_dcr_man_outputs} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
    message(WARNING "help2man not found: the packages will have no man pages (bash installer/install-deps.sh installs it)")
endif()

set(CPACK_GENERATOR DEB TGZ)

# Debian/Ubuntu. dpkg-shlibdeps computes the shared-library Depends (Qt 6, QtKeychain, OpenSSL,
# libstdc++) from the binaries; what it cannot see is named here: Qt loads the SVG plugin that
# draws the icon at run time. The keychain itself is a D-Bus service, so only recommended: without
# one the wizard still works and shows the client secret once.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6")
# Qt's own translations give QWizard's buttons and the file dialogs the wizard's language (Japanese);
# the wizard's texts are compiled into the binary (resources/translations/), so nothing else is installed.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring | keepassxc | libkf5wallet-bin, qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libsecret-tools")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# The icon cache, the desktop database and man-db are refreshed by those packages' dpkg file
# triggers, so the package needs no maintainer scripts.
