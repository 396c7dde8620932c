"""Serve examples/hello: bazel run //examples/hello -- --port 8000 --threads 1"""

from __future__ import annotations

import argparse
import sys

from data_bridge.__main__ import add_serve_arguments, run_app
from examples.hello.app import app


def main() -> int:
    parser = argparse.ArgumentParser(prog="hello")
    add_serve_arguments(parser)
    run_app(app, parser.parse_args())
    return 0


if __name__ == "__main__":
    sys.exit(main())
