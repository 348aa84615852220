#!/usr/bin/env bash
# Quick start, the tests: install what is missing, build, and run the whole
# suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
bash packaging/build.sh
ctest --preset default
