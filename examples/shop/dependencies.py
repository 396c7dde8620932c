"""The shop's dependencies: a token header for the items router, a query token for the
whole app, and the database session each request gets (closed after the response)."""

from typing import Annotated, Iterator

from data_bridge import Depends, Header, HTTPException

from .db import Database, database


def get_query_token(token: str):
    if token != "jessica":
        raise HTTPException(status_code=400, detail="No Jessica token provided")


def get_token_header(x_token: Annotated[str, Header()]):
    if x_token != "fake-super-secret-token":
        raise HTTPException(status_code=400, detail="X-Token header invalid")


def get_db() -> Iterator[Database]:
    session = database.session()
    try:
        yield session
    finally:
        session.close()


DB = Annotated[Database, Depends(get_db)]
