#!/usr/bin/env bash
# Usage: make-deb.sh BUILD_DIR OUT_DIR: CPack's Debian packages of a built
# tree (stripped; dependencies computed by dpkg-shlibdeps) into OUT_DIR.
set -euo pipefail
build=$(realpath "$1")
out=$(realpath -m "$2")
rm -rf "$out"
mkdir -p "$out"
cd "$build"
cpack -G DEB -B "$out" > "$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
rm -rf "$out/_CPack_Packages"
ls "$out"/*.deb
