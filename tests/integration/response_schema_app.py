"""The app tests/integration/response_schema_test serves: examples/petstore's generated
service with handlers that answer outside the documented schema."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Optional

from data_bridge import App, JSONResponse
from examples.petstore import petstore_api as api
from examples.petstore.handlers import Petstore


class Careless(Petstore):
    async def getPet(self, *, petId: int, x_request_id: Optional[uuid.UUID] = None) -> api.Pet:
        pet = await super().getPet(petId=petId)
        if petId == 1:  # a name longer than the schema's maxLength 50
            return dataclasses.replace(pet, name="x" * 60)
        if petId == 2:  # what the schema does not allow, as a Response: sent as it is
            return JSONResponse({"id": "two"})  # type: ignore[return-value]
        return pet


app = App(title="Petstore", version="1.0.0")
app.include(api.routes(Careless()))
