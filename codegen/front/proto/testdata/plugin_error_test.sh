#!/usr/bin/env bash
# Invalid google.api.http bindings fail protoc-gen-ir with a message naming the file, the
# method and what is wrong (no output file, no crash).
#   plugin_error_test.sh <protoc-gen-ir> <google/api/annotations.proto> (<bad.proto> <regex>)...
set -euo pipefail
plugin="$1" annotations="$2"
shift 2
api_root="${annotations%/google/api/annotations.proto}"
while [ $# -gt 0 ]; do
  bad="$1" expected="$2"
  shift 2
  out=$(mktemp -d)
  if /usr/bin/protoc --plugin=protoc-gen-ir="$plugin" --ir_out="$out" -I. -I"$api_root" \
      "$bad" 2>"$out/stderr"; then
    echo "expected protoc-gen-ir to fail on $bad" >&2
    exit 1
  fi
  grep -q "$expected" "$out/stderr" || {
    echo "$bad: expected /$expected/ in:" >&2
    cat "$out/stderr" >&2
    exit 1
  }
  [ -z "$(find "$out" -name '*.ir.pb')" ]
  echo "refused as expected: $(cat "$out/stderr")"
done
