#!/usr/bin/env bash
# mypy --strict over the given Python package directories (the package ships py.typed).
set -euo pipefail
export MYPYPATH=python:.  # the data_bridge package and the workspace root
exec /usr/bin/python3 -m mypy --config-file=python/mypy.ini --explicit-package-bases --no-incremental --cache-dir=/dev/null "$@"
