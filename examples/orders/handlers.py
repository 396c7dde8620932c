"""examples/orders: the same Orders API twice, generated from orders.yaml and written with
decorators, so one set of validation vectors can run against both (tests/vectors)."""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Any, Optional

from data_bridge import App, Field, Query
from examples.orders import orders_api as api


def receipt(items: list[Any]) -> dict[str, Any]:
    return {"items": len(items), "total": round(sum(i.quantity * i.unit_price for i in items), 2)}


class Orders(api.OrdersHandlers):
    async def createOrder(self, *, body: api.Order) -> api.Receipt:
        return api.Receipt(**receipt(body.items))

    async def searchOrders(self, *, status: api.Status, min_total: float = 0, limit: int = 20,
                           offset: int = 0, customer: Optional[str] = None) -> dict[str, Any]:
        return {"status": status.value, "min_total": min_total, "limit": limit,
                "offset": offset, "customer": customer}


def generated_app() -> App:
    app = App(title="Orders", version="1.0.0")
    app.include(api.routes(Orders()))
    return app


# --- the same API with decorators --------------------------------------------------------

class Status(str, enum.Enum):
    OPEN = "open"
    SHIPPED = "shipped"
    CLOSED = "closed"


class Tier(str, enum.Enum):
    BASIC = "basic"
    GOLD = "gold"
    PLATINUM = "platinum"


class Currency(str, enum.Enum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"


@dataclasses.dataclass
class Customer:
    name: Annotated[str, Field(min_length=1, max_length=80)]
    email: Annotated[str, Field(max_length=120, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    tier: Tier


@dataclasses.dataclass
class LineItem:
    sku: Annotated[str, Field(pattern=r"^[A-Z]{3}-[0-9]{4}$")]
    quantity: Annotated[int, Field(ge=1, le=1000)]
    unit_price: Annotated[float, Field(gt=0, le=100000)]
    currency: Currency
    gift: bool = False


@dataclasses.dataclass
class Address:
    street: Annotated[str, Field(min_length=1, max_length=120)]
    city: Annotated[str, Field(min_length=1, max_length=80)]
    postcode: Annotated[str, Field(pattern=r"^[0-9A-Z -]{3,10}$")]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


@dataclasses.dataclass
class Order:
    customer: Customer
    items: Annotated[list[LineItem], Field(min_length=1, max_length=50)]
    shipping: Address
    notes: Annotated[Optional[str], Field(max_length=500)] = None
    priority: Annotated[int, Field(ge=0, le=9)] = 0


def decorator_app() -> App:
    app = App(title="Orders", version="1.0.0")

    @app.post("/orders", status_code=201)
    async def create_order(body: Order) -> dict[str, Any]:
        return receipt(body.items)

    @app.get("/orders")
    async def search_orders(
        status: Status,
        min_total: Annotated[float, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
        customer: Annotated[Optional[str], Query(min_length=1, max_length=80)] = None,
    ) -> dict[str, Any]:
        return {"status": status.value, "min_total": min_total, "limit": limit,
                "offset": offset, "customer": customer}

    return app
