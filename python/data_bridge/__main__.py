"""Command line: python -m data_bridge serve module:app [--host H] [--port P] [--threads T]"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Any, Sequence

from .settings import ServerSettings


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="default 127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default 8000")
    parser.add_argument("--threads", type=int, default=None, help="I/O threads (default 1)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes under a supervisor: dead ones replaced, SIGHUP "
                        "restarts them one at a time (default 1)")
    parser.add_argument("--max-body-bytes", type=int, default=None)
    parser.add_argument("--max-upload-bytes", type=int, default=None,
                        help="largest multipart upload, spooled to disk as it arrives "
                        "(default 1 GiB)")
    parser.add_argument("--request-timeout", type=float, default=None)
    parser.add_argument("--keepalive-timeout", type=float, default=None)
    parser.add_argument("--graceful-timeout", type=float, default=None)
    parser.add_argument("--ssl-certfile", default=None, help="PEM certificate chain: serve TLS")
    parser.add_argument("--ssl-keyfile", default=None, help="PEM private key for --ssl-certfile")
    parser.add_argument("--root-path", default=None,
                        help="the ASGI root_path of every request: the path prefix a proxy "
                             "in front of the server strips (uvicorn's --root-path)")
    parser.add_argument("--grpc-port", type=int, default=None,
                        help="also serve the app's proto services over gRPC on this port")
    parser.add_argument("--grpc-max-message-bytes", type=int, default=None,
                        help="largest gRPC message received or sent (default 4 MiB)")


def run_app(app: Any, args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # A value argparse let through but the settings refuse (--port 70000) is a usage error.
    try:
        settings = ServerSettings.from_options(
            "data_bridge serve", app.settings, host=args.host, port=args.port,
            threads=args.threads, workers=args.workers, max_body_bytes=args.max_body_bytes,
            max_upload_bytes=args.max_upload_bytes,
            request_timeout=args.request_timeout, keepalive_timeout=args.keepalive_timeout,
            graceful_timeout=args.graceful_timeout, ssl_certfile=args.ssl_certfile,
            ssl_keyfile=args.ssl_keyfile, root_path=args.root_path, grpc_port=args.grpc_port,
            grpc_max_receive_message_bytes=args.grpc_max_message_bytes,
            grpc_max_send_message_bytes=args.grpc_max_message_bytes)
    except (TypeError, ValueError) as e:
        raise SystemExit(f"data_bridge serve: {e}") from None
    app.run(settings=settings)


def serve_app(app: Any, prog: str, argv: Sequence[str] | None = None) -> int:
    """A service's own serve command (its Bazel run target): --host --port --threads ..."""
    parser = argparse.ArgumentParser(prog=prog)
    add_serve_arguments(parser)
    run_app(app, parser.parse_args(argv))
    return 0


def load_app(target: str) -> Any:
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr or "app")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data_bridge")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve an App")
    serve.add_argument("app", help="module:attribute, e.g. examples.hello.app:app")
    add_serve_arguments(serve)
    args = parser.parse_args(argv)
    sys.path.insert(0, ".")
    run_app(load_app(args.app), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
