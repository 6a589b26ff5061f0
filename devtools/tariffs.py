"""The sample utility's tariff book: what `m2c generate` writes to tariffs/tariffs.xlsx."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from iso_4217 import Currency

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
class Charge:
    """A further charge of a version (landing-formats `charges` sheet, billing-rules section 9).

    `basis` is `units` (rate per billed unit), `month` (rate per month) or `percent` (rate as a
    fraction of the VAT base); `rounding`/`rounding_unit` as the version's, unless set here.
    """

    charge_code: str
    description: str
    basis: str
    rate: Decimal
    vat: bool = True
    rounding: str | None = None
    rounding_unit: Decimal | None = None


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
    charges: tuple[Charge, ...] = ()
    rounding: str | None = None  # None: half-up; 'down': truncate toward zero
    total_rounding_unit: Decimal | None = None
    norm_basis: str | None = None  # 'resident' or 'area': unmetered points billed by norm
    norm_units: Decimal | None = None  # units per resident (or m²) and month


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


def _kepco_like(currency: str, origin: dt.date) -> Version:
    """Residential electricity as KEPCO publishes it (billing-rules section 9, D90-D92).

    Progressive seasonal blocks with a basic charge by the block reached, energy and two per-kWh
    riders truncated to the minor unit, a 3.7 % fund on the VAT base truncated to 10 minor units,
    VAT 10 % and the total truncated to 10 minor units. In a currency without decimals (KRW) the
    prices are KEPCO's won; otherwise the same figures / 1000 (e.g. 0.1200 EUR/kWh).
    """
    decimals = Currency[currency].subunit_exp or 0
    scale = D(1000) if decimals == 0 else D(1)
    ten = D(10).scaleb(-decimals)  # 10 won, or 0.10 EUR
    prices = [D("0.1200"), D("0.2146"), D("0.3073")]
    basics = [D("0.910"), D("1.600"), D("7.300")]
    bounds = {"summer": [D(0), D(300), D(450)], "winter": [D(0), D(200), D(400)]}
    blocks = tuple(
        Block(season, n + 1, low, lows[n + 1] if n + 1 < len(lows) else None, prices[n] * scale, basics[n] * scale)
        for season, lows in bounds.items()
        for n, low in enumerate(lows)
    )
    charges = (
        Charge("climate", "Climate-environment charge", "units", D("0.009") * scale),
        Charge("fuel", "Fuel-cost adjustment", "units", D("0.005") * scale),
        Charge("fund", "Power industry fund", "percent", D("0.037"), vat=False, rounding="down", rounding_unit=ten),
    )
    return Version(
        "RES-K1",
        "electricity",
        origin,
        D(0),
        D(0),
        D("0.10"),
        D(0),
        currency,
        blocks,
        charges,
        rounding="down",
        total_rounding_unit=ten,
    )


def _published_tariffs(currency: str, origin: dt.date) -> list[Version]:
    """Issue 17's constructs: KEPCO-like electricity, water with VAT-exempt wastewater, norm-billed flats."""
    water = (Block("all", 1, D(0), None, D("2.1300")),)
    wastewater = (
        Charge("sewage", "Wastewater fee", "units", D("2.70"), vat=False),
        Charge("sewage_standing", "Wastewater standing charge", "month", D("3.00"), vat=False),
    )
    norm = (Block("all", 1, D(0), None, D("1.5000")),)
    return [
        _kepco_like(currency, origin),
        Version("WAT-S1", "water", origin, D("4.00"), D(0), D("0.07"), D(0), currency, water, wastewater),
        Version(
            "WAT-N1",
            "water",
            origin,
            D("2.00"),
            D(0),
            D("0.05"),
            D(0),
            currency,
            norm,
            norm_basis="resident",
            norm_units=D("4.85"),
        ),
        Version(
            "WAT-N2",
            "water",
            origin,
            D("2.00"),
            D(0),
            D("0.05"),
            D(0),
            currency,
            norm,
            norm_basis="area",
            norm_units=D("0.0800"),
        ),
    ]


def tariff_book(start: dt.date, currency: str = "EUR") -> list[Version]:
    """Tariff versions in force over a sample history starting at `start`.

    RES-E1 changes price on the 16th of the 15th month, so one month has a mid-month version change.
    RES-K1, WAT-S1, WAT-N1 and WAT-N2 (issue 17) are for the few accounts `published_variant` picks.
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
        *_published_tariffs(currency, origin),
    ]


# Residential accounts outside apartment buildings whose index has this remainder by PUBLISHED_EVERY
# get issue 17's tariffs: (service, tariff, unmetered).
PUBLISHED_EVERY = 40
PUBLISHED_VARIANTS = {
    7: ("electricity", "RES-K1", False),
    11: ("water", "WAT-S1", False),
    23: ("water", "WAT-N1", True),
    31: ("water", "WAT-N2", True),
}


def published_variant(index: int, service: str, customer_class: str, in_building: bool) -> tuple[str, bool] | None:
    """(tariff_code, unmetered) when account `index`'s `service` is on an issue-17 tariff, else None."""
    variant = PUBLISHED_VARIANTS.get(index % PUBLISHED_EVERY)
    if variant is None or in_building or customer_class != "residential" or variant[0] != service:
        return None
    return variant[1], variant[2]


def tariff_code_for(service: str, customer_class: str) -> str:
    if service == "electricity":
        return "RES-E1" if customer_class == "residential" else "COM-E1"
    return {"water": "WAT-1", "heat": "HEAT-1", "gas": "GAS-1"}[service]
