"""The pandas baseline's pricing of issue 17's tariff components (D90-D92), on KEPCO's own first bill
(tests/cases/17-kepco-and-exempt-wastewater) and the exempt wastewater of the same case, without a database."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from decimal import Decimal

import pandas as pd

from devtools.baseline import money, part_charges, percent_lines, rider_lines

D = Decimal
Block = namedtuple("Block", "block_no from_units to_units unit_price basic_charge")
Charge = namedtuple("Charge", "charge_code basis rate units_factor is_vat_base rounding_mode rounding_unit")
KEPCO_SUMMER = [
    Block(1, D(0), D(300), D("120.0"), D(910)),
    Block(2, D(300), D(450), D("214.6"), D(1600)),
    Block(3, D(450), None, D("307.3"), D(7300)),
]
KEPCO_CHARGES = [
    Charge("climate", "units", D(9), None, True, "down", D(1)),
    Charge("fuel", "units", D(5), None, True, "down", D(1)),
    Charge("fund", "percent", D("0.027"), None, False, "down", D(10)),
]


def kepco_part() -> pd.Series:
    return pd.Series(
        {
            "units": D(445),
            "scale_factor": D(1),
            "currency_decimals": 0,
            "rounding_mode": "down",
            "fixed_charge": D(0),
            "minimum_charge": D(0),
        }
    )


def test_kepco_bill_priced_like_kepco() -> None:
    """445 kWh in August: energy 300 × 120.0 + 145 × 214.6 = 36,000 + 31,117 (31,117.0), basic 1,600
    (block 2 reached): 68,717; riders 445 × 9 = 4,005 and 445 × 5 = 2,225: subtotal 74,947. Fund 2.7 %
    of 74,947 = 2,023.569, truncated to 10 won: 2,020. VAT 10 % = 7,494.7 → 7,495 (half-up).
    74,947 + 7,495 + 2,020 = 84,462, truncated to 10 won: 84,460."""
    part = kepco_part()
    energy = part_charges(part, KEPCO_SUMMER)
    assert energy == D(68717)
    taxable, exempt = rider_lines(part, KEPCO_CHARGES)
    assert (taxable, exempt) == (D(6230), D(0))
    parts = pd.DataFrame(
        [
            {
                "billing_account_id": "A000171",
                "service": "electricity",
                "tariff_code": "KEPCO-RES",
                "tariff_effective_from": dt.date(2025, 7, 1),
                "currency_decimals": 0,
                "subtotal": energy + taxable,
            }
        ]
    )
    fund = percent_lines(parts, {("KEPCO-RES", dt.date(2025, 7, 1)): KEPCO_CHARGES})
    assert fund.to_dict("records") == [{"billing_account_id": "A000171", "total": D(2020)}]
    vat = money(D("0.10") * D(74947), 0)
    assert vat == D(7495)
    assert money(D(74947) + vat + D(2020), 0, "down", D(10)) == D(84460)


def test_exempt_wastewater_stays_out_of_the_vat_base() -> None:
    """8 m³ of water: sewage 8 × 2.70 = 21.60 and the standing charge 3.00 × 1 month, both vat: false:
    exempt 24.60, nothing added to the VAT base."""
    part = pd.Series({"units": D(8), "scale_factor": D(1), "currency_decimals": 2})
    charges = [
        Charge("sewage", "units", D("2.70"), None, False, "half_up", D("0.01")),
        Charge("sewage_standing", "month", D("3.00"), None, False, "half_up", D("0.01")),
    ]
    assert rider_lines(part, charges) == (D(0), D("24.60"))


def test_money_truncates_toward_zero_and_rounds_half_away() -> None:
    """down to 10: 84,462 → 84,460 and −84,462 → −84,460 (toward zero); half-up to cents: 1.005 → 1.01,
    −1.005 → −1.01 (away from zero, PostgreSQL's round)."""
    assert money(D(84462), 0, "down", D(10)) == D(84460)
    assert money(D(-84462), 0, "down", D(10)) == D(-84460)
    assert money(D("1.005"), 2) == D("1.01")
    assert money(D("-1.005"), 2) == D("-1.01")
