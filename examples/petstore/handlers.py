"""examples/petstore: the handlers behind the generated PetstoreHandlers (in memory)."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from typing import Optional

from data_bridge import HTTPException, Response
from examples.petstore import petstore_api as api


class Petstore(api.PetstoreHandlers):
    def __init__(self) -> None:
        self.pets: dict[int, api.Pet] = {}
        self.ids = itertools.count(1)

    async def listPets(
        self, *, limit: int = 20, status: Optional[api.Status] = None,
        tag: Optional[list[str]] = None,
    ) -> list[api.Pet]:
        pets = list(self.pets.values())
        if status is not None:
            pets = [p for p in pets if p.status == status]
        if tag:
            pets = [p for p in pets if set(tag) & set(p.tags or [])]
        return pets[:limit]

    async def createPet(self, *, body: api.NewPet) -> api.Pet:
        pet = api.Pet(id=next(self.ids), **{f.name: getattr(body, f.name)
                                           for f in dataclasses.fields(body)})
        self.pets[pet.id] = pet
        return pet

    async def getPet(self, *, petId: int, x_request_id: Optional[uuid.UUID] = None) -> api.Pet:
        pet = self.pets.get(petId)
        if pet is None:
            raise HTTPException(404, f"no pet {petId}")
        return pet

    async def updatePetWithForm(self, *, petId: int,
                                body: api.UpdatePetWithFormBody) -> api.Pet:
        pet = await self.getPet(petId=petId)
        pet.name = body.name
        if body.status is not None:
            pet.status = body.status
        return pet

    async def deletePet(self, *, petId: int) -> Response:
        if self.pets.pop(petId, None) is None:
            raise HTTPException(404, f"no pet {petId}")
        return Response(status_code=204)
