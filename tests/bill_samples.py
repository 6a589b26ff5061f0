"""Hand-made bills for the bill tests: small enough to compute every figure by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from exports.bills.model import Bill, Line, MeterRead, ServiceSection, UsageMonth, Utility

UTILITY = Utility(
    name="Riverside Utilities",
    address="1 Grid Street, 10115 Berlin",
    iban="DE89370400440532013000",
    bic="COBADEFFXXX",
)


def history(base: int, estimated: str | None = None) -> list[UsageMonth]:
    periods = [f"{2024 + (m // 12)}-{m % 12 + 1:02d}" for m in range(2, 15)]  # 2024-03 .. 2025-03
    return [UsageMonth(p, D(base + 7 * (i % 5)), p == estimated) for i, p in enumerate(periods)]


def eur_bill() -> Bill:
    """Electricity 320 kWh in two blocks + basic; water 12 m3; levy, VAT, a late charge.

    electricity: 200 kWh x 0.2000 = 40.00; 120 kWh x 0.3000 = 36.00; basic 1 month x 5.00 = 5.00 -> 81.00
    water:       12 m3 x 2.1000 = 25.20; fixed 1 month x 3.50 = 3.50                              -> 28.70
    subtotal 109.70; levy 2 % of 109.70 = 2.194 -> 2.19; VAT 19 % of 111.89 = 21.2591 -> 21.26
    late charge 1.5 % of 40.00 overdue = 0.60
    total 109.70 + 2.19 + 21.26 + 0.60 = 133.75
    previous balance 140.00, payments received 100.00 -> amount due 140.00 - 100.00 + 133.75 = 173.75
    """
    electricity = ServiceSection(
        "electricity",
        "kWh",
        ["SP-E-0001"],
        [
            MeterRead(
                "M-E-0001",
                dt.date(2025, 2, 28),
                D("10450"),
                dt.date(2025, 3, 31),
                D("10770"),
                "actual",
                D("1"),
                D("320"),
                "kWh",
            )
        ],
        [
            Line(1, "energy", "electricity", D("200"), "kWh", D("0.2000"), D("40.00"), block_no=1),
            Line(2, "energy", "electricity", D("120"), "kWh", D("0.3000"), D("36.00"), block_no=2),
            Line(3, "basic", "electricity", D("1"), "month", D("5.00"), D("5.00")),
        ],
        history(280),
    )
    water = ServiceSection(
        "water",
        "m3",
        ["SP-W-0001"],
        [
            MeterRead(
                "M-W-0001",
                dt.date(2025, 2, 28),
                D("512"),
                dt.date(2025, 3, 31),
                D("524"),
                "estimated",
                D("1"),
                D("12"),
                "m3",
            )
        ],
        [
            Line(4, "energy", "water", D("12"), "m3", D("2.1000"), D("25.20"), is_estimated=True),
            Line(5, "fixed", "water", D("1"), "month", D("3.50"), D("3.50")),
        ],
        history(10, estimated="2025-03"),
    )
    return Bill(
        invoice_id="INV-202503-A0000001",
        account_id="A0000001",
        customer_name="Anna Schmidt",
        service_address="12 Linden Avenue, Berlin",
        period="2025-03",
        bill_date=dt.date(2025, 4, 1),
        due_date=dt.date(2025, 4, 21),
        currency="EUR",
        total=D("133.75"),
        subtotal=D("109.70"),
        vat=D("21.26"),
        levy=D("2.19"),
        late_charges=D("0.60"),
        payment_reference="RF18539007547034",
        district="North",
        email="anna@example.org",
        sections=[electricity, water],
        other_lines=[
            Line(6, "levy", None, D("109.70"), None, D("0.02"), D("2.19")),
            Line(7, "vat", None, D("111.89"), None, D("0.19"), D("21.26")),
            Line(8, "late_charge", None, D("40.00"), None, D("0.015"), D("0.60"), adjusts_period="2025-01"),
        ],
        previous_balance=D("140.00"),
        payments_received=D("100.00"),
        messages=["Your water meter could not be read: the usage is estimated."],
    )


def krw_bill() -> Bill:
    """Electricity 350 kWh in Korean won, no decimals.

    200 kWh x 120 = 24,000; 150 kWh x 214.6 = 32,190; basic 1,600 -> subtotal 57,790
    VAT 10 % = 5,779; levy (electricity fund) 3.7 % of 57,790 = 2,138.23 -> 2,138
    total 57,790 + 2,138 + 5,779 = 65,707; previous balance 0 -> amount due 65,707
    """
    section = ServiceSection(
        "electricity",
        "kWh",
        ["SP-K-0001"],
        [
            MeterRead(
                "M-K-0001",
                dt.date(2025, 2, 28),
                D("4410"),
                dt.date(2025, 3, 31),
                D("4760"),
                "actual",
                D("1"),
                D("350"),
                "kWh",
            )
        ],
        [
            Line(1, "energy", "electricity", D("200"), "kWh", D("120"), D("24000"), block_no=1),
            Line(2, "energy", "electricity", D("150"), "kWh", D("214.6"), D("32190"), block_no=2),
            Line(3, "basic", "electricity", D("1"), "month", D("1600"), D("1600")),
        ],
        history(330),
    )
    return Bill(
        invoice_id="INV-202503-K0000001",
        account_id="K0000001",
        customer_name="김민준",
        service_address="서울특별시 강남구 테헤란로 152",
        period="2025-03",
        bill_date=dt.date(2025, 4, 1),
        due_date=dt.date(2025, 4, 21),
        currency="KRW",
        total=D("65707"),
        subtotal=D("57790"),
        vat=D("5779"),
        levy=D("2138"),
        late_charges=D("0"),
        payment_reference="INV-202503-K0000001",
        district="Gangnam",
        locale="ko",
        sections=[section],
        other_lines=[
            Line(4, "levy", None, D("57790"), None, D("0.037"), D("2138")),
            Line(5, "vat", None, D("57790"), None, D("0.10"), D("5779")),
        ],
    )
