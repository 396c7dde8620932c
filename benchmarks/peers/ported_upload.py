"""fastapi_upload.py moved over to data-bridge by changing its imports (as ported_orders.py
moves fastapi_orders.py): `from fastapi import` becomes `from data_bridge import`."""

import pathlib

_SOURCE = pathlib.Path(__file__).with_name("fastapi_upload.py").read_text()
exec(compile(_SOURCE.replace("from fastapi import", "from data_bridge import"),
             "fastapi_upload.py (imports changed)", "exec"))
