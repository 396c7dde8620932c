"""Serve examples/orders: bazel run //examples/orders -- --port 8000 --threads 1"""

import sys

from data_bridge.__main__ import serve_app
from examples.orders.app import app

if __name__ == "__main__":
    sys.exit(serve_app(app, "orders"))
