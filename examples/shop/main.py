"""A FastAPI app moved over by changing its imports (`fastapi` to `data_bridge`): routers
with prefixes, tags and dependencies, an app-wide query-token dependency, a database
session per request from a generator dependency, background tasks, CORS and a custom
exception handler. main_test.py holds its tests, unchanged but for the imports."""

from data_bridge import Depends, FastAPI, Request
from data_bridge.middleware.cors import CORSMiddleware
from data_bridge.responses import JSONResponse

from .dependencies import get_query_token
from .routers import items, users


class OutOfStock(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


app = FastAPI(dependencies=[Depends(get_query_token)])
app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example"],
                   allow_methods=["*"], allow_headers=["*"])
app.include_router(users.router)
app.include_router(items.router)


@app.exception_handler(OutOfStock)
async def out_of_stock(request: Request, exc: OutOfStock):
    return JSONResponse(status_code=409, content={"message": f"{exc.name} is out of stock"})


@app.get("/")
async def root():
    return {"message": "Hello Bigger Applications!"}


@app.get("/stock/{name}")
async def stock(name: str):
    raise OutOfStock(name)
