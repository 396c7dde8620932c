#!/usr/bin/env bash
# golden_test.sh GOT WANT: fails with a diff when a generated file drifts from its golden.
set -euo pipefail
if ! diff -u "$2" "$1"; then
  echo "golden mismatch: regenerate $2 from $1 (bazel build the generating target)" >&2
  exit 1
fi
