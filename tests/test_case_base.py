"""The minimal utility every case builds on (tests/cases/base/), run as its README's table says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.cases import run_case


def test_base_bills_february_and_march_as_documented(fresh_db: str, tmp_path: Path) -> None:
    """RES-E1 at 0.20 EUR/kWh, no fixed charge or taxes; reads on 31 Jan, 29 Feb, 31 Mar.
    February: A000101 500 kWh x 0.20 = 100.00, A000102 250 x 0.20 = 50.00, A000103 100 x 0.20 = 20.00;
    March: 100 x 0.20 = 20.00, 50 x 0.20 = 10.00, 100 x 0.20 = 20.00 (late charges on unpaid February
    invoices are lines of their own and not counted here)."""
    run = run_case("base", "2024-03", fresh_db, tmp_path)
    charges = dict(
        ((period, account), amount)
        for period, account, amount in run.rows(
            """select period, account_id, sum(amount) from marts.fct_invoice_lines
               where line_type not in ('late_charge', 'levy', 'vat') group by 1, 2"""
        )
    )
    assert [charges[("2024-02", a)] for a in ("A000101", "A000102", "A000103")] == [
        Decimal("100.00"),
        Decimal("50.00"),
        Decimal("20.00"),
    ]
    assert [charges[("2024-03", a)] for a in ("A000101", "A000102", "A000103")] == [
        Decimal("20.00"),
        Decimal("10.00"),
        Decimal("20.00"),
    ]
