# macOS: dcr-wizard.app (with dcr-sandbox inside) on a drag-and-drop DMG, Qt deployed by
# macdeployqt. Cannot be built on the Debian CI; see "macOS" in README.md for the build commands.

set(CPACK_GENERATOR DragNDrop)
set(CPACK_DMG_VOLUME_NAME "DCR Wizard")
set(CPACK_DMG_FORMAT UDZO)

set(DCR_MACOS_SIGNING_IDENTITY "" CACHE STRING
    "codesign identity for the app (\"Developer ID Application: …\"); empty: ad-hoc signature, for local use only")

set_target_properties(dcr-wizard PROPERTIES
    MACOSX_BUNDLE TRUE
    MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_LIST_DIR}/Info.plist.in
    MACOSX_BUNDLE_BUNDLE_NAME "DCR Wizard"
    MACOSX_BUNDLE_GUI_IDENTIFIER ${DCR_MACOS_BUNDLE_ID}
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_ICON_FILE ${DCR_APP_ID}.icns
    MACOSX_BUNDLE_COPYRIGHT "The dcr-wizard developers")
# The .icns rendered from the SVG (resources/icons/) goes to Contents/Resources.
target_sources(dcr-wizard PRIVATE ${DCR_ICON_ICNS})
set_source_files_properties(${DCR_ICON_ICNS} TARGET_DIRECTORY dcr-wizard
    PROPERTIES MACOSX_PACKAGE_LOCATION Resources GENERATED TRUE)
add_dependencies(dcr-wizard dcr-icons)

if(TARGET Qt6::macdeployqt)
    set(_dcr_macdeployqt $<TARGET_FILE:Qt6::macdeployqt>)
else()
    find_program(DCR_MACDEPLOYQT macdeployqt REQUIRED
        HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}" "${Qt6_DIR}/../../../bin")
    set(_dcr_macdeployqt ${DCR_MACDEPLOYQT})
endif()

# Runs at install time on what CPack stages. macdeployqt copies the Qt frameworks and plugins and
# the other non-system libraries (QtKeychain, OpenSSL) into the bundle and rewrites the load paths;
# -executable also fixes up dcr-sandbox, which app/main/CMakeLists.txt installs into Contents/MacOS.
# Then the bundle is signed: with the hardened runtime and a timestamp as notarization requires
# when an identity is given, ad hoc otherwise (Apple silicon refuses to run unsigned code).
if(DCR_MACOS_SIGNING_IDENTITY)
    set(_dcr_sign_identity "${DCR_MACOS_SIGNING_IDENTITY}")
    set(_dcr_sign_flags "--options runtime --timestamp")
else()
    set(_dcr_sign_identity "-")
    set(_dcr_sign_flags "")
endif()
install(CODE "
    set(_app \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/dcr-wizard.app\")
    execute_process(
        COMMAND \"${_dcr_macdeployqt}\" \"\${_app}\" \"-executable=\${_app}/Contents/MacOS/dcr-sandbox\" -always-overwrite
        RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR \"macdeployqt failed (\${_rc})\")
    endif()
    # Inside out: the frameworks, plugins and dcr-sandbox first, the bundle (with its entitlements) last.
    file(GLOB_RECURSE _code LIST_DIRECTORIES false
        \"\${_app}/Contents/Frameworks/*.dylib\" \"\${_app}/Contents/PlugIns/*.dylib\")
    file(GLOB _frameworks LIST_DIRECTORIES true \"\${_app}/Contents/Frameworks/*.framework\")
    foreach(_item IN LISTS _code _frameworks ITEMS \"\${_app}/Contents/MacOS/dcr-sandbox\")
        execute_process(COMMAND codesign --force ${_dcr_sign_flags} --sign \"${_dcr_sign_identity}\" \"\${_item}\"
            RESULT_VARIABLE _rc)
        if(NOT _rc EQUAL 0)
            message(FATAL_ERROR \"codesign failed on \${_item}\")
        endif()
    endforeach()
    execute_process(COMMAND codesign --force ${_dcr_sign_flags} --sign \"${_dcr_sign_identity}\"
            --entitlements \"${CMAKE_CURRENT_LIST_DIR}/dcr-wizard.entitlements\" \"\${_app}\"
        RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR \"codesign failed on \${_app}\")
    endif()
    execute_process(COMMAND codesign --verify --strict --deep \"\${_app}\" RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR \"the signed bundle does not verify\")
    endif()
")
