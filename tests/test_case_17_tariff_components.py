"""Case 17 (tests/cases/17-kepco-and-exempt-wastewater/): tariffs as utilities publish them (issue 17,
billing-rules section 9), end to end through `m2c run` on a tiny landing: KEPCO's own 445 kWh August
2025 residential bill (riders, a fund by usage date truncated to 10 won, the total truncated to 10 won)
and a German water bill whose wastewater fees are VAT-exempt. Run once for the module."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from tests.cases import CaseRun, run_case
from tests.conftest import create_database

CASE = "17-kepco-and-exempt-wastewater"


@pytest.fixture(scope="module")
def bills(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseRun]:
    url = create_database(server_url, "case_17_tariffs")
    home: Path = tmp_path_factory.mktemp("case17")
    yield run_case(CASE, "2025-08", url, home, base_readings=False, first_period="2025-07")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute('drop database if exists "case_17_tariffs" with (force)')


def test_kepco_445_kwh_in_august_2025_comes_to_84460_won(bills: CaseRun) -> None:
    """Energy 300 x 120.0 = 36,000 and 145 x 214.6 = 31,117; basic 1,600; climate 445 x 9 = 4,005;
    fuel-cost 445 x 5 = 2,225: subtotal 74,947. VAT 10 % = 7,494.7 -> 7,495; fund 2.7 % (the rate of
    the version in force from 1 July) of 74,947 = 2,023.569 -> 2,020; 84,462 -> 84,460, rounding -2."""
    lines = bills.rows(
        """select line_type, charge_code, description, quantity, amount from marts.fct_invoice_lines
           where invoice_id = 'INV-202508-A000171' order by line_no"""
    )
    assert [(t, c, a) for t, c, _d, _q, a in lines] == [
        ("energy", None, Decimal("36000")),
        ("energy", None, Decimal("31117")),
        ("basic", None, Decimal("1600")),
        ("charge", "climate", Decimal("4005")),
        ("charge", "fuel", Decimal("2225")),
        ("percent_charge", "fund", Decimal("2020")),
        ("vat", None, Decimal("7495")),
        ("rounding", None, Decimal("-2")),
    ]
    assert lines[3][2] == "Climate-environment charge" and lines[5][2] == "Power industry fund"
    assert lines[5][3] == Decimal("74947")  # the fund's base: the VAT base
    invoice = bills.rows(
        """select total_amount, subtotal_amount, vat_amount, currency, status from marts.fct_invoices
           where invoice_id = 'INV-202508-A000171'"""
    )
    assert invoice == [(Decimal("84460"), Decimal("74947"), Decimal("7495"), "KRW", "issued")]


def test_wastewater_is_billed_without_vat(bills: CaseRun) -> None:
    """Water 8 x 2.13 = 17.04 and standing 4.00: VAT 7 % of 21.04 = 1.4728 -> 1.47. Wastewater
    8 x 2.70 = 21.60 and its standing charge 3.00 are VAT-exempt. Total 17.04 + 4.00 + 21.60 + 3.00
    + 1.47 = 47.11; no rounding line (the version has no total_rounding_unit)."""
    lines = bills.rows(
        """select line_type, charge_code, quantity, amount from marts.fct_invoice_lines
           where invoice_id = 'INV-202508-A000172' order by line_no"""
    )
    assert [(t, c, a) for t, c, _q, a in lines] == [
        ("energy", None, Decimal("17.04")),
        ("fixed", None, Decimal("4.00")),
        ("charge", "sewage", Decimal("21.60")),
        ("charge", "sewage_standing", Decimal("3.00")),
        ("vat", None, Decimal("1.47")),
    ]
    assert lines[-1][2] == Decimal("21.04")
    total = bills.scalar("select total_amount from marts.fct_invoices where invoice_id = 'INV-202508-A000172'")
    assert total == Decimal("47.11")


def test_the_fund_is_a_liability_and_riders_are_revenue_in_the_journal(bills: CaseRun) -> None:
    """Cr 4000 electricity revenue 74,947 - 2 (rounding) = 74,945; Cr 2100 VAT 7,495; Cr 2250 the fund
    2,020 (policy gl_accounts.charges.fund); Dr 1100 84,460. The entry balances."""
    entry = bills.rows(
        """select account_code, sum(debit), sum(credit) from marts.fct_gl_journal
           where source_id = 'INV-202508-A000171' group by account_code order by account_code"""
    )
    assert entry == [
        ("1100", Decimal("84460"), Decimal("0")),
        ("2100", Decimal("0"), Decimal("7495")),
        ("2250", Decimal("0"), Decimal("2020")),
        ("4000", Decimal("0"), Decimal("74945")),
    ]


def test_the_tariff_components_are_published(bills: CaseRun) -> None:
    """dim_tariff_charges lists each version's charges with the rounding they are priced with."""
    charges = bills.rows(
        """select charge_code, basis, rate, is_vat_base, rounding_mode, rounding_unit from marts.dim_tariff_charges
           where tariff_code = 'KEPCO-RES' and effective_from = '2025-07-01' order by charge_code"""
    )
    assert charges == [
        ("climate", "units", Decimal("9"), True, "down", Decimal("1")),
        ("fuel", "units", Decimal("5"), True, "down", Decimal("1")),
        ("fund", "percent", Decimal("0.027"), False, "down", Decimal("10")),
    ]


def test_an_unmetered_flat_is_billed_by_norm_per_resident(bills: CaseRun) -> None:
    """SP173 has no meter and 3 residents: 4.85 m3 x 3 = 14.55 m3 in August (31 of 31 days) x 50.00 RUB
    = 727.50 RUB, its line marked 'norm'; the trace in int_norm_usage names the basis and quantity."""
    lines = bills.rows(
        """select line_type, quantity, unit, meter_ids, tariff_effective_from::text, amount, currency
           from marts.fct_invoice_lines where invoice_id = 'INV-202508-A000173' order by line_no"""
    )
    assert lines == [("energy", Decimal("14.550"), "m3", "norm", "2025-01-01", Decimal("727.50"), "RUB")]
    trace = bills.rows(
        """select norm_basis, norm_quantity, norm_units, units from intermediate.int_norm_usage
           where period = '2025-08' and service_point_id = 'SP173'"""
    )
    assert trace == [("resident", Decimal("3"), Decimal("4.85"), Decimal("14.550000"))]
