"""Reading an ir.Service from the files the front ends write."""

from __future__ import annotations

from google.protobuf import text_format

import data_bridge.ir_pb2 as ir


def read_ir(path: str) -> ir.Service:
    """An ir.Service from a binary (.ir.pb) or text-format (.ir.txtpb) file."""
    if path.endswith(".txtpb"):
        with open(path, encoding="utf-8") as f:
            return text_format.Parse(f.read(), ir.Service())
    with open(path, "rb") as f:
        return ir.Service.FromString(f.read())
