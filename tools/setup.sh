#!/usr/bin/env bash
# setup.sh debian|fuzz|bench: install what the project needs, only when missing; quiet on success.
# Each mode runs the steps below up to its own (debian: all but fuzz and bench).
#   debian  the Debian packages in tools/debian-packages.txt, then the Go tools in
#           tools/go-tools.txt (go install into /usr/local/bin, which tests see on PATH)
#   protos  google/api and google/rpc .proto files from PyPI's googleapis-common-protos and
#           grpc/health/v1/health.proto from npm's grpc-health-check (pinned below) into
#           .tools/googleapis, for codegen's proto front end and the gRPC server
#   llhttp  llhttp's generated C (strict HTTP/1.1 parser of Node.js) from the aiohttp sdist
#           on PyPI, which vendors it (pinned below), into .tools/llhttp
#   docs_ui the docs pages' assets (Swagger UI from npm's swagger-ui-dist, ReDoc from npm's
#           redoc, pinned below) into .tools/docs-ui, served by apps at /docs and /redoc
#   compat  the compatibility environment .tools/compat-venv (pinned by
#           tools/compat-requirements.txt: FastAPI, Starlette, pydantic, httpx) over the system
#           Python's packages, for tests held to FastAPI's behaviour (pytest_test venv=)
#   tutorials  FastAPI's own tutorial apps (docs_src) and their tests (tests/test_tutorial)
#           from the sdist on PyPI of the FastAPI compat pins (pinned sha256 below) into
#           .tools/fastapi-src, and .tools/tutorials-venv (tools/tutorials-requirements.txt:
#           the compat pins and the tests' own helpers) to run them (tests/tutorials)
#   schemathesis  schemathesis (pinned by tools/schemathesis-requirements.txt) in
#           .tools/schemathesis-venv, for the examples' schema-conformance test
#   fuzz    atheris (libFuzzer for Python, pinned below) in .tools/fuzz-venv, over the
#           system Python's packages, for the Python fuzz targets (tests/fuzz/run.sh)
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

# .proto files taken from packages (pinned): google/api and google/rpc from PyPI's
# googleapis-common-protos; grpc/health/v1/health.proto from npm's grpc-health-check (no
# PyPI package ships it as a file; Node.js and npm come with the machine).
PROTO_WHEELS="googleapis-common-protos==1.76.0"
HEALTH_PROTO_NPM="grpc-health-check@2.0.2"

protos() {
  local dir="$root/.tools/googleapis" stamp="$root/.tools/googleapis.stamp"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$PROTO_WHEELS $HEALTH_PROTO_NPM" ] &&
    [ -d "$dir/google/api" ] && [ -f "$dir/grpc/health/v1/health.proto" ]; then
    return 0
  fi
  echo "setup: fetching $PROTO_WHEELS $HEALTH_PROTO_NPM (.proto files only)" >&2
  local venv="$root/.tools/pyvenv" wheels
  [ -x "$venv/bin/pip" ] || /usr/bin/python3 -m venv "$venv"
  wheels=$(mktemp -d)
  "$venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$wheels" $PROTO_WHEELS
  rm -rf "$dir"
  mkdir -p "$dir"
  /usr/bin/python3 - "$wheels" "$dir" <<'PY'
import glob, sys, zipfile
for wheel in glob.glob(sys.argv[1] + "/*.whl"):
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if name.endswith(".proto") and name.startswith(("google/api/", "google/rpc/")):
                z.extract(name, sys.argv[2])
PY
  (cd "$wheels" && npm pack --silent "$HEALTH_PROTO_NPM" >/dev/null &&
    tar xzf grpc-health-check-*.tgz package/proto/health/v1/health.proto)
  mkdir -p "$dir/grpc/health/v1"
  cp "$wheels/package/proto/health/v1/health.proto" "$dir/grpc/health/v1/health.proto"
  rm -rf "$wheels"
  echo "$PROTO_WHEELS $HEALTH_PROTO_NPM" >"$stamp"
}

# llhttp ships its generated C only in release tarballs and in sdists that vendor it;
# aiohttp's sdist on PyPI carries vendor/llhttp/build/{llhttp.h,c/llhttp.c} and src/native.
LLHTTP_SDIST="aiohttp==3.14.5"
LLHTTP_SHA256="5558a7f5a05af9ecf744af91e5baefc436f93c9333e656c27ec253f9a6bbe178"

llhttp() {
  local dir="$root/.tools/llhttp" stamp="$root/.tools/llhttp.stamp"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$LLHTTP_SDIST" ] && [ -f "$dir/llhttp.h" ]; then
    return 0
  fi
  echo "setup: fetching llhttp from the $LLHTTP_SDIST sdist" >&2
  local venv="$root/.tools/pyvenv" tmp
  [ -x "$venv/bin/pip" ] || /usr/bin/python3 -m venv "$venv"
  tmp=$(mktemp -d)
  "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$tmp" "$LLHTTP_SDIST"
  local sdist
  sdist=$(ls "$tmp"/*.tar.gz)
  if ! echo "$LLHTTP_SHA256  $sdist" | sha256sum -c --quiet -; then
    echo "setup: $sdist does not have the pinned sha256" >&2
    rm -rf "$tmp"
    return 1
  fi
  tar xzf "$sdist" -C "$tmp" --wildcards '*/vendor/llhttp/build/*' '*/vendor/llhttp/src/native/*' \
    '*/vendor/llhttp/LICENSE'
  rm -rf "$dir"
  mkdir -p "$dir"
  local src
  src=$(echo "$tmp"/*/vendor/llhttp)
  cp "$src/build/llhttp.h" "$src/build/c/llhttp.c" "$src"/src/native/*.c "$src"/src/native/*.h \
    "$src/LICENSE" "$dir/"
  rm -rf "$tmp"
  echo "$LLHTTP_SDIST" >"$stamp"
}

# The docs pages' assets, from npm (FastAPI loads the same packages from a CDN; apps here
# serve them themselves): the files the pages load, and the packages' licences.
DOCS_UI_NPM="swagger-ui-dist@5.36.0 redoc@2.5.4"
DOCS_UI_FILES="swagger-ui-bundle.js swagger-ui.css favicon-32x32.png oauth2-redirect.js
  redoc.standalone.js LICENSE.swagger-ui LICENSE.redoc"

docs_ui() {
  local dir="$root/.tools/docs-ui" stamp="$root/.tools/docs-ui.stamp" f missing=""
  for f in $DOCS_UI_FILES; do [ -f "$dir/$f" ] || missing=1; done
  if [ -z "$missing" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$DOCS_UI_NPM" ]; then
    return 0
  fi
  echo "setup: fetching $DOCS_UI_NPM (the docs pages' assets)" >&2
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent $DOCS_UI_NPM >/dev/null)
  mkdir -p "$tmp/swagger" "$tmp/redoc"
  tar xzf "$tmp"/swagger-ui-dist-*.tgz -C "$tmp/swagger"
  tar xzf "$tmp"/redoc-*.tgz -C "$tmp/redoc"
  rm -rf "$dir"
  mkdir -p "$dir"
  local s="$tmp/swagger/package"
  cp "$s/swagger-ui-bundle.js" "$s/swagger-ui.css" "$s/favicon-32x32.png" \
    "$s/oauth2-redirect.js" "$dir/"
  cp "$s/LICENSE" "$dir/LICENSE.swagger-ui"
  cp "$tmp/redoc/package/bundles/redoc.standalone.js" "$dir/"
  cp "$tmp/redoc/package/LICENSE" "$dir/LICENSE.redoc"
  rm -rf "$tmp"
  echo "$DOCS_UI_NPM" >"$stamp"
}

ATHERIS=atheris==3.0.0

fuzz() {
  local venv="$root/.tools/fuzz-venv"
  local stamp="$venv/.atheris"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ATHERIS" ]; then return 0; fi
  rm -rf "$venv"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --only-binary :all: "$ATHERIS"
  echo "$ATHERIS" >"$stamp"
}

# A virtual environment `venv` of the pinned requirements `req`, remade when they change
# (their hash is the stamp); `what` names it in the one line said when it is made; more
# arguments go to `python3 -m venv` (--system-site-packages).
pinned_venv() {
  local venv="$1" req="$2" what="$3"
  shift 3
  local stamp="$venv/.requirements.sha256"
  local want log
  # The file and those it includes (-r other.txt, beside it).
  want=$(cat "$req" $(sed -n 's/^-r  *//p' "$req" | sed "s|^|$(dirname "$req")/|") |
    sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "setup: creating the $what $venv" >&2
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$@" "$venv"
  log=$(mktemp)
  if ! "$venv/bin/pip" install -q --disable-pip-version-check -r "$req" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  echo "$want" >"$stamp"
}

compat() {
  pinned_venv "$root/.tools/compat-venv" "$root/tools/compat-requirements.txt" \
    "compatibility environment" --system-site-packages
}

FASTAPI_SDIST=fastapi==0.163.2
FASTAPI_SDIST_SHA256=e605c4c9b94be78b43aa8239a62ccf7b6684346cdc9e053633feab0ab21b87c7

tutorials() {
  pinned_venv "$root/.tools/tutorials-venv" "$root/tools/tutorials-requirements.txt" \
    "tutorials environment" --system-site-packages
  local dir="$root/.tools/fastapi-src" stamp="$root/.tools/fastapi-src.stamp"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$FASTAPI_SDIST" ] && [ -d "$dir/docs_src" ]; then
    return 0
  fi
  echo "setup: fetching FastAPI's tutorials and their tests from the $FASTAPI_SDIST sdist" >&2
  local venv="$root/.tools/pyvenv" tmp sdist
  [ -x "$venv/bin/pip" ] || /usr/bin/python3 -m venv "$venv"
  tmp=$(mktemp -d)
  "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$tmp" "$FASTAPI_SDIST"
  sdist=$(ls "$tmp"/*.tar.gz)
  if ! echo "$FASTAPI_SDIST_SHA256  $sdist" | sha256sum -c --quiet -; then
    echo "setup: $sdist does not have the pinned sha256" >&2
    rm -rf "$tmp"
    return 1
  fi
  tar xzf "$sdist" -C "$tmp" --wildcards '*/docs_src/*' '*/tests/*' '*/LICENSE'
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -r "$tmp"/fastapi-*/docs_src "$tmp"/fastapi-*/tests "$tmp"/fastapi-*/LICENSE "$dir/"
  rm -rf "$tmp"
  echo "$FASTAPI_SDIST" >"$stamp"
}

schemathesis() {
  pinned_venv "$root/.tools/schemathesis-venv" "$root/tools/schemathesis-requirements.txt" \
    "schema-conformance environment"
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
  debian) debian; go_tools; protos; llhttp; docs_ui; compat; tutorials; schemathesis ;;
  fuzz) debian; go_tools; protos; llhttp; docs_ui; compat; tutorials; schemathesis; fuzz ;;
  bench) debian; go_tools; protos; llhttp; docs_ui; compat; tutorials; schemathesis; bench ;;
  *) echo "usage: $0 debian|fuzz|bench" >&2; exit 2 ;;
esac
