#!/usr/bin/env bash
# The test suite's package check (test_package): the Debian packages of the
# built tree BUILD_DIR into a temporary folder, then packaging/check-deb.sh.
set -euo pipefail
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bash "$here/make-deb.sh" "$1" "$out/packages" > /dev/null
bash "$here/check-deb.sh" "$out/packages"
