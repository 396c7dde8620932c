#!/usr/bin/env bash
# ./bazelw run //tests/fuzz:run -- [--seconds N | --runs N] [--rss-limit-mb M] [TARGET...]
#
# Builds every cc_fuzz_test (or the TARGETs named) with libFuzzer, ASan and UBSan
# (--config=fuzz: Debian's clang-14) in an output base of its own, so the normal build's
# cache is untouched, then fuzzes each for N seconds (default 60) or N executions, starting
# from its committed corpus. A py_fuzz_test runs from its runfiles under atheris
# (.tools/fuzz-venv, made by tools/setup.sh fuzz). New coverage goes to .fuzz/<target>/ (not committed); a crash
# is written beside the corpus as <target>_corpus/crash-<sha1>, to be committed as a
# regression seed (`bazel test` replays it from then on), and the run fails.
set -euo pipefail
root="${BUILD_WORKSPACE_DIRECTORY:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$root"
tools/setup.sh fuzz
limit=(-max_total_time=60)
rss_limit=2048  # libFuzzer's default; long runs of big targets may need more (ASan grows)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --rss-limit-mb) rss_limit="$2"; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
base="${FUZZ_OUTPUT_BASE:-$HOME/.cache/data-bridge-fuzz/$(echo "$root" | md5sum | cut -c1-12)}"
bzl=(bazel --output_base="$base")
if [ ${#targets[@]} -eq 0 ]; then
  # Not //...: this output base would walk the normal build's convenience symlinks.
  mapfile -t targets < <("${bzl[@]}" query --noshow_progress \
    'attr(tags, "\bfuzz\b", tests(//framework/... + //codegen/... + //tests/...))')
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "run.sh: no fuzz targets found" >&2
  exit 1
fi
mapfile -t py_targets < <("${bzl[@]}" query --noshow_progress \
  "attr(tags, '\bpy_fuzz\b', set(${targets[*]}))")
"${bzl[@]}" build --noshow_progress --config=fuzz --symlink_prefix=/ "${targets[@]}"
bin=$("${bzl[@]}" info --config=fuzz bazel-bin 2>/dev/null)
status=0
for t in "${targets[@]}"; do
  pkg="${t#//}"; pkg="${pkg%%:*}"; name="${t##*:}"
  corpus="$pkg/${name}_corpus"
  work=".fuzz/$name"
  mkdir -p "$work"
  echo "== $t" >&2
  case " ${py_targets[*]} " in
    *" $t "*)  # from its runfiles (generated modules: ir_pb2), with the corpus in the tree
      rf="$bin/$pkg/$name.runfiles/data_bridge"
      # The import roots py_binary would add: the workspace and python/ (data_bridge).
      cmd=(env DATA_BRIDGE_FUZZ=1 PYTHONPATH="$rf:$rf/python" .tools/fuzz-venv/bin/python "$rf/$pkg/$name.py")
      ;;
    *) cmd=("$bin/$pkg/$name") ;;
  esac
  log=$(mktemp)
  rc=0
  # A 64 MB quarantine (ASan's default: 256 MB, with redzones 2-4x that in RSS) keeps runs
  # of ten million inputs inside the 2 GB RSS limit; use-after-free is still caught for
  # memory freed within the last 64 MB of frees.
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=64 \
    "${cmd[@]}" "${limit[@]}" -rss_limit_mb="$rss_limit" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$corpus/" "$work" "$corpus" >"$log" 2>&1 || rc=$?
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$log" |
    sed "s|^|$name: |" >&2 || true
  # SIGINT: libFuzzer stops cleanly, prints its stats and exits 72 (clang-14's libFuzzer has
  # no flag to choose that code).
  if [ $rc -eq 72 ] && grep -q "libFuzzer: run interrupted" "$log"; then
    rm -f "$log"
    echo "INTERRUPTED: $t (no failure; the remaining targets were not run)" >&2
    exit 130
  elif [ $rc -ne 0 ]; then
    tail -60 "$log" >&2
    echo "FAILED: $t (exit $rc; the input is saved under $corpus/; commit it)" >&2
    status=1
  fi
  rm -f "$log"
done
exit $status
