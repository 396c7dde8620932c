"""Runs pytest over the test files Bazel passes as arguments (see defs.bzl); with a first
argument `--venv=NAME`, under the Python of .tools/NAME-venv instead (made by
tools/setup.sh, which every ./bazelw run calls)."""

import os
import sys


def _reexec_in_venv() -> None:
    if len(sys.argv) < 2 or not sys.argv[1].startswith("--venv="):
        return
    name = sys.argv.pop(1)[len("--venv="):]
    # This file in the runfiles is a link into the source tree: the workspace is above it.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    python = os.path.join(root, ".tools", f"{name}-venv", "bin", "python")
    if not os.path.exists(python):
        sys.exit(f"pytest_runner: {python} is missing: run ./bazelw (tools/setup.sh debian)")
    if os.path.realpath(sys.prefix) != os.path.realpath(os.path.dirname(os.path.dirname(python))):
        os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])


_reexec_in_venv()

import pytest  # noqa: E402

# Under --config=sanitize the ASan runtime is preloaded into this process (it imports the
# sanitized _core.so). The real clients tests start (curl, h2load, h2spec, grpcurl) must not
# inherit it (some hang under it): it moves aside, and the servers tests start take it back
# (tests/integration/support.py, server_env).
_PRELOAD = os.environ.pop("LD_PRELOAD", None)
if _PRELOAD:
    os.environ["DATA_BRIDGE_SERVER_PRELOAD"] = _PRELOAD

if __name__ == "__main__":
    args = ["-q", "-p", "no:cacheprovider", "--import-mode=importlib"]
    xml = os.environ.get("XML_OUTPUT_FILE")
    if xml:
        args.append(f"--junitxml={xml}")
    sys.exit(pytest.main(args + sys.argv[1:]))
