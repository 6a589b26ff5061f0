"""The sample utility's tariff book: what `m2c generate` writes to tariffs/tariffs.xlsx."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class Block:
    season: str
    block_no: int
    from_units: Decimal
    to_units: Decimal | None
    unit_price: Decimal
    basic_charge: Decimal | None = None


@dataclass(frozen=True)
class Version:
    tariff_code: str
    service: str
    effective_from: dt.date
    fixed_charge: Decimal
    minimum_charge: Decimal
    vat_rate: Decimal
    levy_rate: Decimal
    currency: str
    blocks: tuple[Block, ...]


def _residential_electricity_blocks(scale: Decimal) -> tuple[Block, ...]:
    prices = [D("0.1200"), D("0.2140"), D("0.3070")]
    basics = [D("0.91"), D("1.60"), D("7.30")]
    bounds = {"summer": [D(0), D(300), D(450)], "winter": [D(0), D(200), D(400)]}
    blocks = []
    for season, lows in bounds.items():
        for n, low in enumerate(lows):
            high = lows[n + 1] if n + 1 < len(lows) else None
            blocks.append(Block(season, n + 1, low, high, (prices[n] * scale).quantize(D("0.0001")), basics[n]))
    return tuple(blocks)


def tariff_book(start: dt.date, currency: str = "EUR") -> list[Version]:
    """Tariff versions in force over a sample history starting at `start`.

    RES-E1 changes price on the 16th of the 15th month, so one month has a mid-month version change.
    """
    change = dt.date(start.year + (start.month + 13) // 12, (start.month + 13) % 12 + 1, 16)
    origin = dt.date(2020, 1, 1)
    return [
        Version(
            "RES-E1",
            "electricity",
            origin,
            D("0"),
            D("1.00"),
            D("0.10"),
            D("0.037"),
            currency,
            _residential_electricity_blocks(D(1)),
        ),
        Version(
            "RES-E1",
            "electricity",
            change,
            D("0"),
            D("1.00"),
            D("0.10"),
            D("0.037"),
            currency,
            _residential_electricity_blocks(D("1.05")),
        ),
        Version(
            "COM-E1",
            "electricity",
            origin,
            D("25.00"),
            D("30.00"),
            D("0.10"),
            D("0.037"),
            currency,
            (Block("all", 1, D(0), None, D("0.1650")),),
        ),
        Version(
            "WAT-1",
            "water",
            origin,
            D("4.50"),
            D("0"),
            D("0.05"),
            D("0.05"),
            currency,
            (
                Block("all", 1, D(0), D(10), D("1.1000")),
                Block("all", 2, D(10), D(20), D("1.6500")),
                Block("all", 3, D(20), None, D("2.4000")),
            ),
        ),
        Version(
            "HEAT-1",
            "heat",
            origin,
            D("12.00"),
            D("0"),
            D("0.10"),
            D("0"),
            currency,
            (Block("all", 1, D(0), None, D("28.5000")),),
        ),
        Version(
            "GAS-1",
            "gas",
            origin,
            D("6.00"),
            D("8.00"),
            D("0.10"),
            D("0"),
            currency,
            (Block("all", 1, D(0), None, D("0.8500")),),
        ),
    ]


def tariff_code_for(service: str, customer_class: str) -> str:
    if service == "electricity":
        return "RES-E1" if customer_class == "residential" else "COM-E1"
    return {"water": "WAT-1", "heat": "HEAT-1", "gas": "GAS-1"}[service]
