"""The validation peer: examples/orders' API on FastAPI with pydantic v2 models carrying the
same constraints, served by uvicorn (uvloop, httptools, 1 worker)."""

from enum import Enum
from typing import Annotated, Optional

from fastapi import FastAPI, Query
from pydantic import BaseModel, Field

app = FastAPI()


class Status(str, Enum):
    open = "open"
    shipped = "shipped"
    closed = "closed"


class Tier(str, Enum):
    basic = "basic"
    gold = "gold"
    platinum = "platinum"


class Currency(str, Enum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"


class Customer(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    email: str = Field(max_length=120, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    tier: Tier


class LineItem(BaseModel):
    sku: str = Field(pattern=r"^[A-Z]{3}-[0-9]{4}$")
    quantity: int = Field(ge=1, le=1000)
    unit_price: float = Field(gt=0, le=100000)
    currency: Currency
    gift: bool = False


class Address(BaseModel):
    street: str = Field(min_length=1, max_length=120)
    city: str = Field(min_length=1, max_length=80)
    postcode: str = Field(pattern=r"^[0-9A-Z -]{3,10}$")
    country: str = Field(pattern=r"^[A-Z]{2}$")


class Order(BaseModel):
    customer: Customer
    items: list[LineItem] = Field(min_length=1, max_length=50)
    shipping: Address
    notes: Optional[str] = Field(default=None, max_length=500)
    priority: int = Field(default=0, ge=0, le=9)


@app.post("/orders", status_code=201)
async def create_order(body: Order) -> dict:
    return {"items": len(body.items),
            "total": round(sum(i.quantity * i.unit_price for i in body.items), 2)}


@app.get("/orders")
async def search_orders(
    status: Status,
    min_total: Annotated[float, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    customer: Annotated[Optional[str], Query(min_length=1, max_length=80)] = None,
) -> dict:
    return {"status": status.value, "min_total": min_total, "limit": limit, "offset": offset,
            "customer": customer}
