#!/usr/bin/env bash
# mypy --strict over the given Python package directories (the package ships py.typed).
set -euo pipefail
exec /usr/bin/python3 -m mypy --config-file=python/mypy.ini --no-incremental --cache-dir=/dev/null "$@"
