#!/usr/bin/env bash
# An invalid google.api.http binding fails protoc-gen-ir with a message naming the file,
# the method and what is wrong (no output file, no crash).
set -euo pipefail
plugin="$1" annotations="$2" bad="$3"
api_root="${annotations%/google/api/annotations.proto}"
out=$(mktemp -d)
if /usr/bin/protoc --plugin=protoc-gen-ir="$plugin" --ir_out="$out" -I. -I"$api_root" \
    "$bad" 2>"$out/stderr"; then
  echo "expected protoc-gen-ir to fail on $bad" >&2
  exit 1
fi
grep -q "bad_path.proto:.*path variable 'nope' is not a scalar field of bad.v1.GetRequest" "$out/stderr" || {
  cat "$out/stderr" >&2
  exit 1
}
[ -z "$(find "$out" -name '*.ir.pb')" ]
echo "refused as expected: $(cat "$out/stderr")"
