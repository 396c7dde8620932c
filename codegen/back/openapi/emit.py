"""openapi_back: a serialized ir.Service -> its OpenAPI 3.1 document (JSON), written by the
runtime's own emitter (data_bridge.openapi.utils), so a generated document and the one an
App serves at /openapi.json are the same.

    openapi_back service.ir.pb --out service.openapi.json
"""

from __future__ import annotations

import argparse
import json

from codegen.ir.files import read_ir
from data_bridge.openapi.utils import to_openapi


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="openapi_back")
    parser.add_argument("ir", help="serialized ir.Service")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(to_openapi(read_ir(args.ir)), f, indent=2, sort_keys=False)
        f.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
