#!/usr/bin/env bash
# setup.sh debian|bench: install what the project needs, only when missing; quiet on success.
#   debian  the Debian packages in tools/debian-packages.txt, then the Go tools in
#           tools/go-tools.txt (go install into /usr/local/bin, which tests see on PATH)
#   bench   the benchmark peers' virtual environment (.venv-bench, pinned by
#           benchmarks/requirements.txt), separate from the system Python the tests use
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

debian() {
  local wanted missing=()
  wanted=$(grep -v '^#' "$root/tools/debian-packages.txt" | awk 'NF')
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  local log
  log=$(mktemp)
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

go_tools() {
  local stamp_dir=/usr/local/lib/data-bridge go=""
  while read -r name spec; do
    case "$name" in ""|\#*) continue ;; esac
    if [ -x "/usr/local/bin/$name" ] && [ "$(cat "$stamp_dir/$name" 2>/dev/null)" = "$spec" ]; then
      continue
    fi
    if [ -z "$go" ]; then
      go=$(command -v go || true)
      [ -n "$go" ] || { [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go; }
      if [ -z "$go" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
        go=$(command -v go)
      fi
    fi
    echo "setup: go install $spec" >&2
    local out
    if ! out=$(GOBIN=/usr/local/bin GOFLAGS=-mod=mod "$go" install "$spec" 2>&1); then
      echo "$out" >&2
      return 1
    fi
    mkdir -p "$stamp_dir"
    echo "$spec" >"$stamp_dir/$name"
  done <"$root/tools/go-tools.txt"
}

bench() {
  local venv="$root/.venv-bench" req="$root/benchmarks/requirements.txt"
  local stamp="$venv/.requirements.sha256"
  local want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "setup: creating benchmark environment $venv" >&2
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  echo "$want" >"$stamp"
}

case "${1:-}" in
  debian) debian; go_tools ;;
  bench) debian; go_tools; bench ;;
  *) echo "usage: $0 debian|bench" >&2; exit 2 ;;
esac
