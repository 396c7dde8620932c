"""fastapi_orders.py moved over to data-bridge the way a user moves an app: the same source
with `from fastapi import` changed to `from data_bridge import`; its pydantic v2 models are
validated natively. Served by `python -m data_bridge serve ported_orders:app` under a
Python that has pydantic v2 (the compatibility environment)."""

import pathlib

_SOURCE = pathlib.Path(__file__).with_name("fastapi_orders.py").read_text()
exec(compile(_SOURCE.replace("from fastapi import", "from data_bridge import"),
             "fastapi_orders.py (imports changed)", "exec"))
