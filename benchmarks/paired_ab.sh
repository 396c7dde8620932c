#!/usr/bin/env bash
# benchmarks/paired_ab.sh [--h2] PATH ROUNDS OURS_RUNFILES BASELINE_RUNFILES
#
# A/B of two builds of examples/hello on one URL path, for changes whose effect is smaller
# than this machine's run-to-run noise: ROUNDS pairs, each a fresh server of each build
# (order alternating), pinned to core 0, loaded from core 1 by wrk (64 connections) or, with
# --h2, h2load (16 connections x 32 streams), 2 s warm-up then 8 s measured. Prints req/s
# and server CPU us/req per pair, then the mean ratio. RUNFILES: bazel-bin/benchmarks/
# http1.runfiles (or http2.runfiles) of each checkout, as //benchmarks:http1 --baseline takes.
set -euo pipefail
h2=0
if [ "${1:-}" = "--h2" ]; then h2=1; shift; fi
path=$1 rounds=$2
ours=$(cd "$3" && pwd) base=$(cd "$4" && pwd)

load() {  # load SECONDS PORT -> tool output
  if [ $h2 -eq 1 ]; then
    taskset -c 1 h2load -t1 -c16 -m32 -D"$1" "http://127.0.0.1:$2$path"
  else
    taskset -c 1 wrk -t1 -c64 -d"$1"s "http://127.0.0.1:$2$path"
  fi
}

run() {  # run RUNFILES PORT -> "req/s us/req"
  local rf=$1 port=$2 pid t0 t1 out rps reqs
  (cd "$rf/data_bridge" && PYTHONPATH="$rf/data_bridge/python:$rf/data_bridge" \
    exec taskset -c 0 /usr/bin/python3 -m data_bridge serve examples.hello.app:app \
    --port "$port" 2>/dev/null) &
  pid=$!
  sleep 1.5
  load 2 "$port" >/dev/null
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(load 8 "$port")
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  if [ $h2 -eq 1 ]; then
    rps=$(awk '/finished in/ {print $4}' <<<"$out")
    reqs=$(awk '/^requests:/ {print $4}' <<<"$out")
  else
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  fi
  echo "$rps $(awk -v t=$((t1 - t0)) -v n="$reqs" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.2f", t * 1e6 / hz / n}')"
}

sum_a=0 sum_b=0
for i in $(seq "$rounds"); do
  if [ $((i % 2)) -eq 1 ]; then
    a=$(run "$ours" 18001); b=$(run "$base" 18002)
  else
    b=$(run "$base" 18002); a=$(run "$ours" 18001)
  fi
  echo "pair $i: ours ${a% *} req/s ${a#* } us/req | baseline ${b% *} req/s ${b#* } us/req"
  sum_a=$(awk -v s="$sum_a" -v x="${a% *}" 'BEGIN {print s + x}')
  sum_b=$(awk -v s="$sum_b" -v x="${b% *}" 'BEGIN {print s + x}')
done
awk -v a="$sum_a" -v b="$sum_b" -v n="$rounds" \
  'BEGIN {printf "mean: ours %.0f req/s, baseline %.0f req/s, ratio %.3f\n", a / n, b / n, a / b}'
