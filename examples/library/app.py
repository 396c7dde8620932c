"""examples/library served from library.proto: bazel run //examples/library"""

from examples.library.handlers import app

__all__ = ["app"]
