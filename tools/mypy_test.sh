#!/usr/bin/env bash
# mypy --strict over the given Python package directories (the package ships py.typed), run by
# the compatibility environment's Python (.tools/compat-venv, tools/setup.sh): Debian's mypy
# over the system packages, plus the pinned FastAPI and pydantic the compat tests import.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
python="$root/.tools/compat-venv/bin/python"
[ -x "$python" ] || { echo "mypy_test: $python is missing: run ./bazelw" >&2; exit 1; }
export MYPYPATH=python:.  # the data_bridge package and the workspace root
exec "$python" -m mypy --config-file=python/mypy.ini --explicit-package-bases --no-incremental --cache-dir=/dev/null "$@"
