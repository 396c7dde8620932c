"""The decode peers in-process: msgspec Structs (and pydantic models, for reference) with
examples/orders' constraints. Prints nanoseconds per decode+validate of the payload file."""

import enum
import sys
import time
from typing import Annotated, Optional

import msgspec
from msgspec import Meta

Str80 = Annotated[str, Meta(min_length=1, max_length=80)]


class Tier(str, enum.Enum):
    basic = "basic"
    gold = "gold"
    platinum = "platinum"


class Currency(str, enum.Enum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"


class Customer(msgspec.Struct):
    name: Str80
    email: Annotated[str, Meta(max_length=120, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    tier: Tier


class LineItem(msgspec.Struct):
    sku: Annotated[str, Meta(pattern=r"^[A-Z]{3}-[0-9]{4}$")]
    quantity: Annotated[int, Meta(ge=1, le=1000)]
    unit_price: Annotated[float, Meta(gt=0, le=100000)]
    currency: Currency
    gift: bool = False


class Address(msgspec.Struct):
    street: Annotated[str, Meta(min_length=1, max_length=120)]
    city: Str80
    postcode: Annotated[str, Meta(pattern=r"^[0-9A-Z -]{3,10}$")]
    country: Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]


class Order(msgspec.Struct):
    customer: Customer
    items: Annotated[list[LineItem], Meta(min_length=1, max_length=50)]
    shipping: Address
    notes: Optional[Annotated[str, Meta(max_length=500)]] = None
    priority: Annotated[int, Meta(ge=0, le=9)] = 0


def bench(fn, payload: bytes, seconds: float) -> float:
    fn(payload)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(1000):
            fn(payload)
        n += 1000
    return (time.perf_counter() - start) / n * 1e9


if __name__ == "__main__":
    payload = open(sys.argv[1], "rb").read()
    seconds = float(sys.argv[2])
    decoder = msgspec.json.Decoder(Order)
    print(f"msgspec {bench(decoder.decode, payload, seconds):.0f}")
    from fastapi_orders import Order as PydanticOrder  # same constraints, pydantic v2
    print(f"pydantic {bench(PydanticOrder.model_validate_json, payload, seconds):.0f}")
