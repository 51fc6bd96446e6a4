#!/usr/bin/env bash
# Usage: build.sh CLANGXX SOURCE_DIR BUILD_DIR
# Configures and builds the libFuzzer targets (tests/fuzz/CMakeLists.txt) with clang: ctest's
# fuzz.build, the fixture every fuzz.<target> test needs. DCR_FUZZ_JOBS sets the parallelism (2).
set -euo pipefail
cxx=$1 src=$2 build=$3
launcher=()
if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$src" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}"
cmake --build "$build" -j "${DCR_FUZZ_JOBS:-2}"
