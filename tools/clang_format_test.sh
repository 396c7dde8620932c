#!/usr/bin/env bash
# Fails when any C++ file under framework/ is not clang-format clean (.clang-format).
set -euo pipefail
status=0
for f in "$@"; do
  if ! clang-format --style=file:.clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not clang-format clean: $f (run: clang-format -i $f)"
    status=1
  fi
done
exit $status
