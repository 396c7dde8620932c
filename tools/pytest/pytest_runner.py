"""Runs pytest over the test files Bazel passes as arguments (see defs.bzl)."""

import os
import sys

import pytest

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
