"""Serve examples/petstore: bazel run //examples/petstore -- --port 8000 --threads 1"""

import sys

from data_bridge.__main__ import serve_app
from examples.petstore.app import app

if __name__ == "__main__":
    sys.exit(serve_app(app, "petstore"))
