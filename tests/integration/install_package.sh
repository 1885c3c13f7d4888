#!/usr/bin/env bash
# `cmake --install` then find_package(tokrec) from a separate project.
set -euo pipefail
TOKREC=$1
SRC=$2
BUILD=$(dirname "$TOKREC")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cmake --install "$BUILD" --prefix "$TMP/prefix" > /dev/null
test -f "$TMP/prefix/include/tokrec/core/status.h"
test -x "$TMP/prefix/bin/tokrec"
cmake -S "$SRC/tests/install_consumer" -B "$TMP/consumer" -DCMAKE_PREFIX_PATH="$TMP/prefix" > /dev/null
cmake --build "$TMP/consumer" > /dev/null
out=$("$TMP/consumer/consumer")
[[ $out == "2x3" ]] || { echo "consumer printed '$out'"; exit 1; }
echo "install_package: ok"
