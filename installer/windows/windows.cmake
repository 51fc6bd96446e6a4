# Windows: an NSIS installer (and a .zip) carrying the Qt runtime, deployed by windeployqt.
# Cannot be built on the Debian CI; see "Windows" in README.md for the build commands.

set(CPACK_GENERATOR NSIS ZIP)

# The .exe carries the icon rendered from the SVG (resources/icons/) and a version resource.
configure_file(${CMAKE_CURRENT_LIST_DIR}/dcr-wizard.rc.in ${PROJECT_BINARY_DIR}/installer/dcr-wizard.rc @ONLY)
target_sources(dcr-wizard PRIVATE ${PROJECT_BINARY_DIR}/installer/dcr-wizard.rc)
set_source_files_properties(${PROJECT_BINARY_DIR}/installer/dcr-wizard.rc TARGET_DIRECTORY dcr-wizard
    PROPERTIES OBJECT_DEPENDS ${DCR_ICON_ICO})
add_dependencies(dcr-wizard dcr-icons)
# dcr-wizard stays a console program: --unattended writes progress to stderr and the summary to
# stdout, which a GUI-subsystem program could not do in cmd.exe or PowerShell. The price is a
# console window behind the wizard when it is started from the Start menu.

# The MSVC runtime next to the executables, so the installer works on a machine without the
# Visual C++ Redistributable; windeployqt is then told not to add it a second time.
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION bin)
set(CMAKE_INSTALL_UCRT_LIBRARIES TRUE)
include(InstallRequiredSystemLibraries)

if(TARGET Qt6::windeployqt)
    set(_dcr_windeployqt $<TARGET_FILE:Qt6::windeployqt>)
else()
    find_program(DCR_WINDEPLOYQT windeployqt REQUIRED
        HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}" "${Qt6_DIR}/../../../bin")
    set(_dcr_windeployqt ${DCR_WINDEPLOYQT})
endif()

# Runs at install time, so on what CPack stages, not on the build tree:
# 1. windeployqt copies the Qt DLLs and plugins the executables use. --svg because Qt Svg is only
#    loaded as a plugin (the icon), which windeployqt cannot see in the import tables.
# 2. The non-Qt DLLs (QtKeychain, OpenSSL's libcrypto) are found with GET_RUNTIME_DEPENDENCIES in
#    the directories their import libraries came from; Windows' own DLLs are left out.
get_filename_component(_dcr_openssl_libdir "${OPENSSL_CRYPTO_LIBRARY}" DIRECTORY)
set(_dcr_dll_dirs "$<TARGET_FILE_DIR:Qt6Keychain::Qt6Keychain>" "${_dcr_openssl_libdir}" "${_dcr_openssl_libdir}/../bin")
if(OPENSSL_ROOT_DIR)
    list(APPEND _dcr_dll_dirs "${OPENSSL_ROOT_DIR}/bin")
endif()
if(QT6_INSTALL_PREFIX)
    list(APPEND _dcr_dll_dirs "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}")
endif()
# Quoted one by one: these are often under "C:/Program Files".
set(_dcr_dll_dirs_code "")
foreach(dir IN LISTS _dcr_dll_dirs)
    string(APPEND _dcr_dll_dirs_code " \"${dir}\"")
endforeach()
# GET_RUNTIME_DEPENDENCIES reads the import tables with dumpbin, which sits next to cl.exe.
set(_dcr_dumpbin_code "")
if(MSVC)
    get_filename_component(_dcr_cl_dir "${CMAKE_CXX_COMPILER}" DIRECTORY)
    find_program(DCR_DUMPBIN dumpbin HINTS "${_dcr_cl_dir}" REQUIRED)
    set(_dcr_dumpbin_code "set(CMAKE_GET_RUNTIME_DEPENDENCIES_TOOL dumpbin)
    set(CMAKE_GET_RUNTIME_DEPENDENCIES_COMMAND \"${DCR_DUMPBIN}\")")
endif()
install(CODE "
    set(_bin \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin\")
    execute_process(
        COMMAND \"${_dcr_windeployqt}\" --no-compiler-runtime --no-opengl-sw --no-system-d3d-compiler
                --svg --dir \"\${_bin}\" \"\${_bin}/dcr-wizard.exe\" \"\${_bin}/dcr-sandbox.exe\"
        RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR \"windeployqt failed (\${_rc})\")
    endif()
    ${_dcr_dumpbin_code}
    file(GET_RUNTIME_DEPENDENCIES
        EXECUTABLES \"\${_bin}/dcr-wizard.exe\" \"\${_bin}/dcr-sandbox.exe\"
        RESOLVED_DEPENDENCIES_VAR _resolved
        UNRESOLVED_DEPENDENCIES_VAR _unresolved
        DIRECTORIES \"\${_bin}\" ${_dcr_dll_dirs_code}
        PRE_EXCLUDE_REGEXES \"^api-ms-\" \"^ext-ms-\"
        POST_EXCLUDE_REGEXES \"[Ss][Yy][Ss][Tt][Ee][Mm]32\" \"[Ss][Yy][Ss][Ww][Oo][Ww]64\")
    if(_unresolved)
        message(FATAL_ERROR \"DLLs the executables need were not found: \${_unresolved}\")
    endif()
    # What windeployqt already put there (the Qt DLLs) is left alone.
    foreach(_dll IN LISTS _resolved)
        get_filename_component(_name \"\${_dll}\" NAME)
        if(NOT EXISTS \"\${_bin}/\${_name}\")
            file(INSTALL \"\${_dll}\" DESTINATION \"\${_bin}\")
        endif()
    endforeach()
")

set(CPACK_NSIS_DISPLAY_NAME "DCR Wizard")
set(CPACK_NSIS_PACKAGE_NAME "DCR Wizard ${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY "DCR Wizard")
file(TO_NATIVE_PATH "${DCR_ICON_ICO}" _dcr_ico_native)
set(CPACK_NSIS_MUI_ICON "${_dcr_ico_native}")
set(CPACK_NSIS_MUI_UNIICON "${_dcr_ico_native}")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\dcr-wizard.exe")
set(CPACK_NSIS_EXECUTABLES_DIRECTORY bin)
set(CPACK_NSIS_URL_INFO_ABOUT ${PROJECT_HOMEPAGE_URL})
set(CPACK_NSIS_HELP_LINK ${PROJECT_HOMEPAGE_URL})
set(CPACK_NSIS_CONTACT ${DCR_PACKAGE_MAINTAINER})
set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
# An upgrade replaces the previous version instead of installing beside it.
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH OFF)
set(CPACK_NSIS_IGNORE_LICENSE_PAGE ON)
set(CPACK_NSIS_MENU_LINKS "${PROJECT_HOMEPAGE_URL}" "DCR Wizard website")
