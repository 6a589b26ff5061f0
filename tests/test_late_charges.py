"""Late payment charges are lines of the invoice the bill run issues (billing-rules.md 5 and 7; D66-D69).

The minimal utility of the cases (tests/cases/base/) billed through March 2024, once for the module:
nobody pays, so every February invoice is overdue at the March bill run."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cases import CaseRun, run_case
from tests.conftest import create_database

ACCOUNTS = ("A000101", "A000102", "A000103")


@pytest.fixture(scope="module")
def billed(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> CaseRun:
    url = create_database(server_url, "late_charges")
    return run_case("base", "2024-03", url, tmp_path_factory.mktemp("late_charges"))


def test_march_invoices_carry_late_charge_lines_for_unpaid_february(billed: CaseRun) -> None:
    """February's invoices (100.00, 50.00, 20.00, due 2024-03-21) are unpaid on March's bill date
    (2024-04-01): 1.5% x 100.00 = 1.50, 1.5% x 50.00 = 0.75, 1.5% x 20.00 = 0.30, each one late_charge
    line of the account's March invoice (charges 20.00, 10.00, 20.00; no VAT or levy on the charge),
    numbered after its charge lines; the March totals are 21.50, 10.75 and 20.30."""
    lines = billed.rows(
        """select account_id, adjusts_period, quantity, unit_price, amount, line_no,
                  (select max(line_no) from marts.fct_invoice_lines as own
                   where own.invoice_id = l.invoice_id and own.line_type <> 'late_charge')
           from marts.fct_invoice_lines as l
           where period = '2024-03' and line_type = 'late_charge' order by account_id"""
    )
    assert [row[:5] for row in lines] == [
        ("A000101", "2024-02", Decimal("100.00"), Decimal("0.015"), Decimal("1.50")),
        ("A000102", "2024-02", Decimal("50.00"), Decimal("0.015"), Decimal("0.75")),
        ("A000103", "2024-02", Decimal("20.00"), Decimal("0.015"), Decimal("0.30")),
    ]
    assert all(line_no == last_own + 1 for *_, line_no, last_own in lines)
    invoices = billed.rows(
        """select account_id, total_amount, late_charge_amount, subtotal_amount, vat_amount, levy_amount, status
           from marts.fct_invoices where period = '2024-03' order by account_id"""
    )
    assert [row[:3] for row in invoices] == [
        ("A000101", Decimal("21.50"), Decimal("1.50")),
        ("A000102", Decimal("10.75"), Decimal("0.75")),
        ("A000103", Decimal("20.30"), Decimal("0.30")),
    ]
    assert [row[3:] for row in invoices] == [
        (Decimal("20.00"), Decimal(0), Decimal(0), "issued"),
        (Decimal("10.00"), Decimal(0), Decimal(0), "issued"),
        (Decimal("20.00"), Decimal(0), Decimal(0), "issued"),
    ]
    # The overdue February invoices keep their amounts, and carry no late charge line of their own.
    assert billed.rows(
        """select account_id, total_amount, late_charge_amount from marts.fct_invoices
           where period = '2024-02' order by account_id"""
    ) == [
        ("A000101", Decimal("100.00"), Decimal(0)),
        ("A000102", Decimal("50.00"), Decimal(0)),
        ("A000103", Decimal("20.00"), Decimal(0)),
    ]


def test_late_charge_is_aged_with_the_new_invoice_and_posted_to_late_charge_income(billed: CaseRun) -> None:
    """At the end of March, A000101 owes February's 100.00 (due 2024-03-21, 10 days past due: 1-30) and
    March's invoice: its late charge 1.50 and its charges 20.00, both due 2024-04-21 (current).
    Journal: the invoice entry Dr 1100 20.00 / Cr 4000 20.00; the late charge entry of the same invoice
    Dr 1100 1.50 / Cr 4900 1.50, so 1100 gets the invoice total 21.50."""
    assert billed.rows(
        """select invoice_id, component, due_date::text, open_amount, aging_bucket from marts.fct_ar_open_items
           where period = '2024-03' and account_id = 'A000101' order by due_date, component desc"""
    ) == [
        ("INV-202402-A000101", "charges", "2024-03-21", Decimal("100.00"), "1-30"),
        ("INV-202403-A000101", "late_charge", "2024-04-21", Decimal("1.50"), "current"),
        ("INV-202403-A000101", "charges", "2024-04-21", Decimal("20.00"), "current"),
    ]
    assert billed.rows(
        """select entry_id, account_code, debit, credit from marts.fct_gl_journal
           where period = '2024-03' and source_id = 'INV-202403-A000101' order by entry_id, line_no"""
    ) == [
        ("2024-03|invoice|INV-202403-A000101", "1100", Decimal("20.00"), Decimal(0)),
        ("2024-03|invoice|INV-202403-A000101", "4000", Decimal(0), Decimal("20.00")),
        ("2024-03|late_charge|INV-202403-A000101", "1100", Decimal("1.50"), Decimal(0)),
        ("2024-03|late_charge|INV-202403-A000101", "4900", Decimal(0), Decimal("1.50")),
    ]
    # Subledger: billed 50.00 of charges and 2.55 of late charges in March (1.50 + 0.75 + 0.30);
    # closing = February's 170.00 + 50.00 + 2.55 = 222.55, the sum of the open items.
    assert billed.rows(
        """select sum(billed_amount), sum(late_charge_amount), sum(closing_amount) from marts.rpt_ar_subledger
           where period = '2024-03'"""
    ) == [(Decimal("50.00"), Decimal("2.55"), Decimal("222.55"))]


def test_sales_leave_late_charges_out(billed: CaseRun) -> None:
    """March's electricity sales are the charges 20.00 + 10.00 + 20.00 = 50.00, not the late charges."""
    assert billed.scalar("select sum(revenue_amount) from marts.agg_sales_monthly where period = '2024-03'") == Decimal(
        "50.00"
    )
