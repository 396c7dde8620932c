# No `from __future__ import annotations`: handlers annotate with local names.
"""Form() as FastAPI's, for application/x-www-form-urlencoded bodies: the operation's Form()
parameters (its dependencies' too, OAuth2PasswordRequestForm's among them) are the fields
of one body, validated natively with FastAPI's errors at ["body", field]; a body that is
no form reads as an empty one; repeated keys fill lists (a scalar takes the last); the
document has FastAPI's Body_<operation id> model. multipart/form-data bodies are not read
yet (issue 13)."""

import types
from typing import Annotated, Any, Optional


from tests.compat.differential import suite


def build(ns: types.SimpleNamespace) -> Any:
    Form, Depends = ns.Form, ns.Depends
    app = ns.FastAPI()

    @app.post("/one")
    def one(username: Annotated[str, Form()]):
        return username

    @app.post("/login")
    def login(form: Annotated[ns.security.OAuth2PasswordRequestForm, Depends()],
              remember: Annotated[bool, Form()] = False):
        return {"u": form.username, "p": form.password, "scopes": form.scopes,
                "g": form.grant_type, "id": form.client_id, "r": remember}

    @app.post("/strict")
    def strict(form: Annotated[ns.security.OAuth2PasswordRequestFormStrict, Depends()]):
        return form.grant_type

    @app.post("/nums")
    def nums(n: Annotated[int, Form(ge=1)], tags: Annotated[list[str], Form()] = [],
             note: Annotated[Optional[str], Form(alias="Note", max_length=5)] = None):
        return {"n": n, "tags": tags, "note": note}

    return app


FORM = "application/x-www-form-urlencoded"
CASES = [
    ("/one", {"data": {"username": "z"}}),
    ("/one", {}),
    ("/login", {"data": {"username": "a", "password": "b", "scope": "x y"}}),
    ("/login", {"data": {"username": "a", "password": "b", "grant_type": "password",
                         "client_id": "c", "remember": "true"}}),
    ("/login", {"data": {"username": "a"}}),
    ("/login", {"data": {"username": "a", "password": "b", "grant_type": "implicit"}}),
    ("/login", {}),
    ("/login", {"json": {"username": "a", "password": "b"}}),
    ("/login", {"content": b"username=a&password=b", "headers": {"content-type": "text/plain"}}),
    ("/strict", {"data": {"username": "a", "password": "b"}}),
    ("/strict", {"data": {"username": "a", "password": "b", "grant_type": "password"}}),
    ("/nums", {"data": {"n": "3", "tags": ["a", "b"]}}),
    ("/nums", {"data": {"n": "x", "Note": "toolong"}}),
    ("/nums", {"content": b"n=1&n=2&Note=ok", "headers": {"content-type": FORM}}),
    ("/nums", {"data": {"n": "0"}}),
]


pair, test_same_answers, test_the_document_is_fastapis = suite(build, CASES)

