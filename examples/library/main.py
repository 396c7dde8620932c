"""Serve examples/library: bazel run //examples/library -- --port 8000 --threads 1"""

import sys

from data_bridge.__main__ import serve_app
from examples.library.app import app

if __name__ == "__main__":
    sys.exit(serve_app(app, "library"))
