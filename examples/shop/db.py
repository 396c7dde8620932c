"""An in-memory store standing in for the shop's database: sessions that must be closed."""

from typing import Any


class Database:
    def __init__(self, rows: dict[str, dict[str, Any]], log: list[str]) -> None:
        self.rows = rows
        self.log = log
        self.closed = False
        log.append("open")

    def get(self, key: str) -> dict[str, Any] | None:
        return self.rows.get(key)

    def put(self, key: str, row: dict[str, Any]) -> None:
        self.rows[key] = row

    def close(self) -> None:
        self.closed = True
        self.log.append("close")


class Store:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {
            "plumbus": {"name": "Plumbus"}, "gun": {"name": "Portal Gun"}}
        self.log: list[str] = []

    def session(self) -> Database:
        return Database(self.rows, self.log)


database = Store()
