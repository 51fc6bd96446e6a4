#!/bin/sh
# The BROWSER command of tests/browser/browser_test.py: xdg-open (through QDesktopServices) runs it
# with the address the wizard opens, and it hands that address to the test, which opens it in
# headless Chromium.
printf '%s\n' "$1" >> "$DCR_TEST_BROWSER_URLS"
