# English and Japanese through Qt Linguist, embedded in dcr_ui under :/i18n so that the binary
# needs no file at run time. The .ts files are the sources of truth and are kept in git:
#   cmake --build <build dir> --target dcr_ui_lupdate    # refresh them from the sources
# then translate the new entries (Qt Linguist, or by hand) and rebuild; lrelease runs at build time.
# Scanned: everything a user of the wizard reads. Not scanned: the sandbox, which imitates
# services that answer in English.
set(_dcr_translations_dir ${CMAKE_CURRENT_LIST_DIR})
file(GLOB_RECURSE _dcr_translatable CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/ui/*.cpp ${PROJECT_SOURCE_DIR}/ui/*.h
    ${PROJECT_SOURCE_DIR}/app/wizard/*.cpp ${PROJECT_SOURCE_DIR}/app/wizard/*.h
    ${PROJECT_SOURCE_DIR}/app/core/*.cpp ${PROJECT_SOURCE_DIR}/app/core/*.h
    ${PROJECT_SOURCE_DIR}/app/engine/*.cpp ${PROJECT_SOURCE_DIR}/app/engine/*.h
    ${PROJECT_SOURCE_DIR}/app/clients/*.cpp ${PROJECT_SOURCE_DIR}/app/clients/*.h
    ${PROJECT_SOURCE_DIR}/app/auth/*.cpp ${PROJECT_SOURCE_DIR}/app/auth/*.h
    ${PROJECT_SOURCE_DIR}/app/secrets/*.cpp ${PROJECT_SOURCE_DIR}/app/secrets/*.h
    ${PROJECT_SOURCE_DIR}/app/profile/*.cpp ${PROJECT_SOURCE_DIR}/app/profile/*.h
    ${PROJECT_SOURCE_DIR}/app/cli/*.cpp ${PROJECT_SOURCE_DIR}/app/cli/*.h
    ${PROJECT_SOURCE_DIR}/app/main/wizard_main.cpp)
# The same list for the test that checks the Japanese file against the sources (lupdate's @file).
string(REPLACE ";" "\n" _dcr_translatable_lines "${_dcr_translatable}")
file(WRITE ${CMAKE_BINARY_DIR}/translations/sources.lst "${_dcr_translatable_lines}\n")
qt_add_translations(dcr_ui
    TS_FILES ${_dcr_translations_dir}/dcr-wizard_en.ts ${_dcr_translations_dir}/dcr-wizard_ja.ts
    SOURCES ${_dcr_translatable}
    INCLUDE_DIRECTORIES ${PROJECT_SOURCE_DIR}/app ${PROJECT_SOURCE_DIR}/ui
    RESOURCE_PREFIX /i18n
    # Only what the sources still contain; -locations none keeps diffs to the strings themselves.
    LUPDATE_OPTIONS -no-obsolete -locations none)
