# No `from __future__ import annotations`: handlers annotate with local names.
"""File uploads as FastAPI reads them: multipart/form-data parsed natively (the framing
python-multipart accepts, Starlette's limits and 400s), UploadFile (filename, content type,
the part's headers, size, async read/seek, spooled to disk past 1 MiB), File() as bytes,
lists of files, Form() fields beside them; the document's multipart body. Each case is
asked of the same app under FastAPI and under data_bridge; answers must be equal."""

import hashlib
import types
from typing import Annotated, Any, Optional


from tests.compat.differential import suite


def build(ns: types.SimpleNamespace) -> Any:
    app = ns.FastAPI()
    File, Form, UploadFile, Request = ns.File, ns.Form, ns.UploadFile, ns.Request

    async def listed(form: Any) -> list[Any]:
        out: list[Any] = []
        for key, value in form.multi_items():
            if isinstance(value, str):
                out.append([key, value])
            else:
                data = await value.read()
                out.append([key, value.filename, value.content_type, len(data),
                            hashlib.sha256(data).hexdigest()[:16]])
        return out

    @app.post("/form")
    async def whole_form(request: Request):
        return await listed(await request.form())

    @app.post("/form-cm")
    async def form_cm(request: Request):
        async with request.form(max_fields=2) as form:
            return await listed(form)

    @app.post("/file-and-form")
    async def file_and_form(file: UploadFile, request: Request):
        data = await file.read()
        form = await request.form()
        return {"file": [file.filename, len(data), hashlib.sha256(data).hexdigest()[:16]],
                "form": sorted(form.keys())}

    @app.post("/up")
    async def up(file: UploadFile, note: Annotated[str, Form()] = "n",
                 raw: Annotated[Optional[bytes], File()] = None):
        head = await file.read(3)
        await file.seek(0)
        data = await file.read()
        rolled = getattr(file.file, "_rolled", None)
        await file.close()
        return {"name": file.filename, "type": file.content_type, "size": file.size,
                "head": head.decode("latin-1"), "len": len(data), "note": note,
                "raw": raw.decode("latin-1") if raw is not None else None,
                "headers": dict(file.headers), "rolled": rolled, "repr": repr(file)[:11]}

    @app.post("/many")
    async def many(files: list[UploadFile], n: Annotated[int, Form()]):
        return {"names": [f.filename for f in files], "n": n,
                "sizes": [f.size for f in files]}

    @app.post("/bytes")
    def as_bytes(data: Annotated[bytes, File()], more: Annotated[list[bytes], File()] = []):
        return {"data": data.decode("latin-1"), "more": [m.decode("latin-1") for m in more]}

    @app.post("/fields")
    def fields(a: Annotated[str, Form()], b: Annotated[list[int], Form()] = []):
        return {"a": a, "b": b}

    return app


B = "XyZ"
MP = {"content-type": f"multipart/form-data; boundary={B}"}


def part(name: str, data: bytes, filename: Optional[str] = None,
         ctype: Optional[str] = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    head = f"Content-Disposition: {disposition}\r\n" + (f"Content-Type: {ctype}\r\n" if ctype
                                                        else "")
    return f"--{B}\r\n{head}\r\n".encode() + data + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{B}--\r\n".encode()


BIG = bytes(range(256)) * (3 * 4096 + 7)  # 3 MiB and a bit: spooled to disk
CASES = [
    ("/form", {"content": body(part("f", b"1", "a.txt", "text/plain"), part("x", b"X"),
                               part("f", BIG, "big.bin"), part("y", b"Y")), "headers": MP}),
    ("/form", {"data": {"a": "1", "b": "2"}}),
    ("/form", {"content": b"garbage", "headers": MP}),
    ("/form", {"content": b"{}", "headers": {"content-type": "application/json"}}),
    ("/form-cm", {"content": body(part("x", b"1"), part("y", b"2")), "headers": MP}),
    ("/form-cm", {"content": body(part("x", b"1"), part("y", b"2"), part("z", b"3")),
                  "headers": MP}),
    ("/file-and-form", {"files": {"file": ("big.bin", BIG)}, "data": {"n": "1"}}),
    ("/up", {"files": {"file": ("big.bin", BIG)}}),
    ("/up", {"content": body(part("file", b"hello", "a.txt", "text/plain"),
                             part("note", b"hi")), "headers": MP}),
    ("/up", {"content": body(part("note", b"hi")), "headers": MP}),
    ("/up", {"content": b"garbage", "headers": MP}),
    ("/up", {"content": b"preamble\r\n" + body(part("file", b"x", "a")), "headers": MP}),
    ("/up", {"content": part("file", b"hello", "a.txt"), "headers": MP}),  # never closed
    ("/up", {"content": body(part("file", b"x", "a")),
             "headers": {"content-type": "multipart/form-data"}}),
    ("/up", {"content": body(part("file", b"hello")), "headers": MP}),  # no filename
    ("/up", {"content": body(part("file", b"x", "a"), part("raw", b"RAW", "r")),
             "headers": MP}),
    ("/up", {"content": body(part("file", b"x", "a"), part("raw", b"RAW")), "headers": MP}),
    ("/up", {"content": f"--{B}\r\nX-Other: 1\r\n\r\nhello\r\n--{B}--\r\n".encode(),
             "headers": MP}),
    ("/up", {"files": {"file": ("f.bin", b"\x00\xff" * 10)}, "data": {"note": "d"}}),
    ("/up", {"files": {"file": ("big.bin", b"z" * (1024 * 1024 + 1))}}),
    ("/up", {"files": {"file": ('C:\\dir\\win.txt', b"w")}}),
    ("/up", {"content": b"", "headers": {"content-type": "application/json"}}),
    ("/up", {"content": body(part("file", b"a\r\n--XyZz\r\nb", "t")), "headers": MP}),
    ("/many", {"content": body(part("files", b"1", "a"), part("files", b"22", "b"),
                               part("n", b"x")), "headers": MP}),
    ("/many", {"content": body(), "headers": MP}),
    ("/many", {"files": [("files", ("a", b"1")), ("files", ("b", b"2"))], "data": {"n": "3"}}),
    ("/bytes", {"files": {"data": ("d", b"bytes")}}),
    ("/bytes", {"content": body(part("data", b"field"), part("more", b"1", "x"),
                                part("more", b"2")), "headers": MP}),
    ("/bytes", {"data": {"data": "urlencoded"}}),
    ("/fields", {"content": body(part("a", b"x"), part("b", b"1"), part("b", b"2")),
                 "headers": MP}),
    ("/fields", {"content": body(*[part(f"f{i}", b"v") for i in range(1001)]), "headers": MP}),
    ("/fields", {"content": body(part("a", b"y" * (1024 * 1024 + 1))), "headers": MP}),
    ("/fields", {"content": body(*[part("a", b"v", f"n{i}") for i in range(1001)]),
                 "headers": MP}),
]


pair, test_same_answers, test_the_document_is_fastapis = suite(build, CASES)

