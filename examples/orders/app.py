"""examples/orders served from its spec: bazel run //examples/orders -- --port 8000"""

from examples.orders.handlers import generated_app

app = generated_app()
