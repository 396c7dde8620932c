"""Runs pytest over the test files Bazel passes as arguments (see defs.bzl)."""

import os
import sys

import pytest

if __name__ == "__main__":
    args = ["-q", "-p", "no:cacheprovider", "--import-mode=importlib"]
    xml = os.environ.get("XML_OUTPUT_FILE")
    if xml:
        args.append(f"--junitxml={xml}")
    sys.exit(pytest.main(args + sys.argv[1:]))
