# The fuzz targets in the suite (included from tests/CMakeLists.txt):
#  - fuzz.replay.<target>: built with the main compiler and tests/fuzz/replay_main.cpp, replays the
#    committed seed corpus and 300 deterministic mutations of each seed. Always.
#  - fuzz.build, then fuzz.<target>: with clang and libFuzzer, when both are installed: tests/fuzz is
#    configured and built as its own project into <build>/fuzz (fixture dcr_fuzz_build), then each
#    target fuzzes for 15 s on a copy of its corpus (tests/fuzz/run.sh).
include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
set(DCR_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})

foreach(target IN LISTS DCR_FUZZ_TARGETS)
    add_executable(replay_${target} ${DCR_FUZZ_DIR}/${target}_fuzz.cpp ${DCR_FUZZ_DIR}/replay_main.cpp)
    target_link_libraries(replay_${target} PRIVATE dcr_core Qt6::Network dcr_build_flags)
    add_test(NAME fuzz.replay.${target} COMMAND replay_${target} --mutations 300 ${DCR_FUZZ_DIR}/corpus/${target})
    set_tests_properties(fuzz.replay.${target} PROPERTIES TIMEOUT 300)
endforeach()

find_program(DCR_FUZZ_CLANGXX NAMES clang++ clang++-14)
set(DCR_FUZZ_RUNTIME "")
if(DCR_FUZZ_CLANGXX)
    execute_process(COMMAND ${DCR_FUZZ_CLANGXX} -print-file-name=libclang_rt.fuzzer-${CMAKE_SYSTEM_PROCESSOR}.a
                    OUTPUT_VARIABLE DCR_FUZZ_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(DCR_FUZZ_CLANGXX AND IS_ABSOLUTE "${DCR_FUZZ_RUNTIME}" AND EXISTS "${DCR_FUZZ_RUNTIME}")
    set(fuzz_build ${CMAKE_BINARY_DIR}/fuzz)
    add_test(NAME fuzz.build COMMAND bash ${DCR_FUZZ_DIR}/build.sh ${DCR_FUZZ_CLANGXX} ${DCR_FUZZ_DIR} ${fuzz_build})
    set_tests_properties(fuzz.build PROPERTIES FIXTURES_SETUP dcr_fuzz_build TIMEOUT 2400)
    foreach(target IN LISTS DCR_FUZZ_TARGETS)
        add_test(NAME fuzz.${target}
                 COMMAND bash ${DCR_FUZZ_DIR}/run.sh ${fuzz_build}/fuzz_${target} ${DCR_FUZZ_DIR}/corpus/${target} 15
                         ${fuzz_build}/findings/${target})
        set_tests_properties(fuzz.${target} PROPERTIES FIXTURES_REQUIRED dcr_fuzz_build TIMEOUT 120)
    endforeach()
else()
    message(STATUS "clang++ with libFuzzer (libclang-rt-14-dev) not found: the fuzz targets run as corpus replays only")
endif()
