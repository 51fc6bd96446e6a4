# Installers: the install layout beyond the executables (whose rules sit next to them in
# app/main/CMakeLists.txt), desktop integration, and CPack. Included last from the top-level
# CMakeLists.txt so that every target exists.
#
#   Linux:   cpack -G DEB (Debian/Ubuntu package) and cpack -G TGZ      (installer/linux/)
#   Windows: cpack -G NSIS, Qt deployed with windeployqt               (installer/windows/)
#   macOS:   cpack -G DragNDrop, a .app deployed with macdeployqt     (installer/macos/)

include(GNUInstallDirs)

# One reverse-DNS id names the desktop file, the AppStream component and the icon, so that desktops
# can tie the running window, the menu entry and the software centre entry together. D-Bus rules
# (which desktop ids follow) forbid a hyphen in an id's element: hence dcr_wizard.
set(DCR_APP_ID io.github.dcr_wizard.DcrWizard)
# Apple's bundle identifiers allow letters, digits, hyphens and periods only: no underscore.
set(DCR_MACOS_BUNDLE_ID io.github.dcr-wizard.DcrWizard)

add_subdirectory(${PROJECT_SOURCE_DIR}/resources/icons ${PROJECT_BINARY_DIR}/resources/icons)

set(DCR_PACKAGE_MAINTAINER "dcr-wizard maintainers <dcr-wizard@users.noreply.github.com>"
    CACHE STRING "Maintainer named in the packages' metadata")

# Common CPack settings; the platform files add their generator's own.
set(CPACK_PACKAGE_NAME ${PROJECT_NAME})
set(CPACK_PACKAGE_VENDOR "dcr-wizard")
set(CPACK_PACKAGE_CONTACT ${DCR_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Kong Konnect Dev Portal DCR setup wizard for Microsoft Entra ID")
set(CPACK_PACKAGE_DESCRIPTION
    "A desktop wizard that takes an administrator from nothing to a working Kong Konnect Dev Portal \
that registers applications in Microsoft Entra ID (Azure AD) through Dynamic Client Registration: \
it registers the Azure app, grants the Microsoft Graph permissions and admin consent, keeps the \
client secret in the system keychain only, creates the Konnect DCR provider and auth strategy, \
publishes an API with it and proves the result with a real token request. It also runs unattended \
from a profile, and includes an offline sandbox (dcr-sandbox) that imitates Entra ID and Konnect.")
set(CPACK_PACKAGE_HOMEPAGE_URL ${PROJECT_HOMEPAGE_URL})
set(CPACK_PACKAGE_INSTALL_DIRECTORY "DCR Wizard")
set(CPACK_PACKAGE_EXECUTABLES dcr-wizard "DCR Wizard")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
# Release packages carry no debug info; the build tree keeps it for debugging.
set(CPACK_STRIP_FILES TRUE)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.cache/" "/CMakeUserPresets\\\\.json$")

# Sample profiles: an admin's starting point, and what the installed wizard replays with --sandbox.
if(APPLE)
    set(DCR_INSTALL_DATADIR dcr-wizard.app/Contents/Resources)
elseif(WIN32)
    set(DCR_INSTALL_DATADIR share/dcr-wizard)
else()
    set(DCR_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/dcr-wizard)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/profiles/ DESTINATION ${DCR_INSTALL_DATADIR}/profiles
    FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/resources/profile.schema.json DESTINATION ${DCR_INSTALL_DATADIR})

if(APPLE)
    include(${CMAKE_CURRENT_LIST_DIR}/macos/macos.cmake)
elseif(WIN32)
    include(${CMAKE_CURRENT_LIST_DIR}/windows/windows.cmake)
else()
    include(${CMAKE_CURRENT_LIST_DIR}/linux/linux.cmake)
endif()

include(CPack)
