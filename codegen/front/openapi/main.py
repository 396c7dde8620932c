"""openapi_front: OpenAPI document -> codegen/ir Service.

    python -m codegen.front.openapi.main petstore.yaml --out petstore.ir.pb [--text]

Exit status 1 with `file:line: what is wrong` on stderr for an invalid document.
"""

from __future__ import annotations

import argparse
import sys

from google.protobuf import text_format

from codegen.front.openapi.document import SpecError, load
from codegen.front.openapi.lower import lower


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="openapi_front")
    parser.add_argument("spec")
    parser.add_argument("--out", required=True)
    parser.add_argument("--text", action="store_true", help="text format instead of binary")
    parser.add_argument("--name", help="file name to use in messages (default: the path)")
    args = parser.parse_args(argv)
    try:
        service = lower(load(args.spec, args.name))
    except SpecError as e:
        print(e, file=sys.stderr)
        return 1
    if args.text:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text_format.MessageToString(service))
    else:
        with open(args.out, "wb") as f:
            f.write(service.SerializeToString(deterministic=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
