"""Serve examples/hello: bazel run //examples/hello -- --port 8000 --threads 1"""

import sys

from data_bridge.__main__ import serve_app
from examples.hello.app import app

if __name__ == "__main__":
    sys.exit(serve_app(app, "hello"))
