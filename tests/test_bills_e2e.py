"""Customer bills from the marts: the apps' four billed months (conftest.app_data), period 2024-04 rendered once
for the module. Every figure on every bill is checked against fct_invoices and fct_invoice_lines to the cent."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from pypdf import PdfReader

from core import policy as core_policy
from exports.bills.batch import BatchResult, render_period
from exports.bills.i18n import texts
from exports.bills.reissue import bill_pdf
from tests.conftest import AppData

PERIOD = "2024-04"
CREDITOR = {"name": "Riverside Utilities", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}


@pytest.fixture(scope="module")
def policy(app_data: AppData) -> dict:
    return {**core_policy.load(app_data.policy), "creditor": CREDITOR}


@pytest.fixture(scope="module")
def batch(app_data: AppData, policy: dict, tmp_path_factory: pytest.TempPathFactory) -> BatchResult:
    return render_period(PERIOD, url=app_data.url, out_dir=tmp_path_factory.mktemp("bills"), workers=2, policy=policy)


def text_of(path: Path) -> str:
    """The PDF's text with runs of white space as one space (label and figure on one line)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_every_issued_invoice_has_a_bill_with_its_figures_to_the_cent(app_data: AppData, batch: BatchResult) -> None:
    """Each bill shows its invoice's total, due date and reference, and every line amount (as often as the
    invoice has it), formatted in the invoice's currency."""
    with psycopg.connect(app_data.url) as conn:
        invoices = conn.execute(
            """select invoice_id, total_amount, due_date, currency from marts.fct_invoices
               where period = %s and status = 'issued' order by invoice_id""",
            (PERIOD,),
        ).fetchall()
        lines = conn.execute(
            "select invoice_id, amount from marts.fct_invoice_lines where period = %s", (PERIOD,)
        ).fetchall()
    amounts: dict[str, Counter] = {}
    for invoice_id, amount in lines:
        amounts.setdefault(invoice_id, Counter())[amount] += 1
    assert batch.bills == len(invoices) > 50
    for invoice_id, total, due, currency in invoices:
        t = texts("ko" if currency == "KRW" else "en")
        text = text_of(batch.folder / f"{invoice_id}.pdf")
        assert f"{t.gettext('Total of this bill')} {t.money(total, currency)}" in text, invoice_id
        assert t.date(due) in text and invoice_id in text
        for amount, count in amounts[invoice_id].items():
            assert text.count(t.money(amount, currency)) >= count, (invoice_id, amount)


def test_amount_due_is_the_account_receivable_after_the_period(app_data: AppData, batch: BatchResult) -> None:
    """amount due = previous balance - payments + this bill = the sum of the account's AR movements through the
    period (fct_ar_movements) less the credit it holds at the period end (rpt_ar_subledger, D107), for every
    bill; some accounts of the sample hold credit, so the second term is exercised."""
    with psycopg.connect(app_data.url) as conn:
        balances = dict(
            conn.execute(
                """select i.invoice_id,
                          (select sum(m.ar_amount) from marts.fct_ar_movements as m
                           where m.account_id = i.account_id and m.period <= i.period)
                          - coalesce((select sum(s.credit_balance_amount) from marts.rpt_ar_subledger as s
                                      where s.account_id = i.account_id and s.period = i.period), 0)
                   from marts.fct_invoices as i where i.period = %s and i.status = 'issued'""",
                (PERIOD,),
            ).fetchall()
        )
        in_credit = conn.execute(
            """select count(*) from marts.rpt_ar_subledger as s join marts.fct_invoices as i
               on i.account_id = s.account_id and i.period = s.period
               where s.period = %s and i.status = 'issued' and s.credit_balance_amount > 0""",
            (PERIOD,),
        ).fetchone()[0]
    assert in_credit > 0
    t = texts("en")
    checked = 0
    for invoice_id, balance in balances.items():
        text = text_of(batch.folder / f"{invoice_id}.pdf")
        assert f"{t.gettext('Amount due')} {t.money(max(balance, 0), 'EUR')}" in text, (invoice_id, balance)
        if balance < 0:  # the summary says what the credit is
            assert f"{t.gettext('Credit on your account, nothing to pay')} {t.money(-balance, 'EUR')}" in text
        checked += 1
    assert checked == batch.bills


def test_print_files_manifest_emails_and_qr_codes(batch: BatchResult) -> None:
    """The print files have every page of their documents; the manifest's hashes are the files'; e-mails carry
    their bill; with a creditor IBAN every EUR bill with something due has a QR code."""
    rows = list(csv.DictReader((batch.folder / "print" / "print_manifest.csv").open()))
    documents = [path for path in batch.folder.glob("*.pdf")] + list((batch.folder / "notices").glob("*.pdf"))
    assert len(rows) == len(documents) == batch.bills + batch.notices
    assert sum(int(row["pages"]) for row in rows) == sum(len(PdfReader(path).pages) for path in documents)
    for print_file in {row["print_file"] for row in rows}:
        pages = sum(int(row["pages"]) for row in rows if row["print_file"] == print_file)
        assert len(PdfReader(batch.folder / print_file).pages) == pages
    manifest = json.loads((batch.folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert hashlib.sha256((batch.folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    emails = list((batch.folder / "email").glob("*.eml"))
    assert len(emails) == batch.emails
    if emails:
        assert b"Content-Type: application/pdf" in emails[0].read_bytes()
    assert all("nothing is due" in reason for reason in batch.no_qr), batch.no_qr


def test_dunning_notices_follow_the_stages(app_data: AppData, batch: BatchResult) -> None:
    with psycopg.connect(app_data.url) as conn:
        stages = conn.execute(
            """select account_id, dunning_stage from marts.fct_dunning_stages
               where period = %s and dunning_stage in ('reminder', 'warning', 'disconnection_notice')""",
            (PERIOD,),
        ).fetchall()
    assert batch.notices == len(stages) > 0
    titles = {"reminder": "Payment reminder", "warning": "Payment warning", "disconnection_notice": "disconnection"}
    for account, stage in stages:
        assert titles[stage] in text_of(batch.folder / "notices" / f"{account}_{stage}.pdf")


def test_a_rerender_is_byte_identical_and_a_reissue_is_the_bill(
    app_data: AppData, batch: BatchResult, policy: dict, tmp_path: Path
) -> None:
    again = render_period(PERIOD, url=app_data.url, out_dir=tmp_path, workers=1, policy=policy)
    assert (again.folder / "manifest.json").read_text() == (batch.folder / "manifest.json").read_text()
    invoice = sorted(batch.folder.glob("INV-*.pdf"))[0]
    same = bill_pdf(invoice.stem, copy=False, url=app_data.url, policy=policy)
    assert same == invoice.read_bytes()
    copy = PdfReader(BytesIO(bill_pdf(invoice.stem, url=app_data.url, policy=policy))).pages[0].extract_text()
    assert "COPY - reissued from the archive" in copy


def test_the_account_page_offers_every_issued_bill(app_data: AppData) -> None:
    """Streamlit's test harness on the account page: the bill picker lists the account's issued invoices,
    newest first, and the page renders the chosen one without error."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.helpers import environment

    main = str(Path(__file__).resolve().parents[1] / "apps" / "main.py")
    with environment(M2C_DATABASE_URL=app_data.url):
        st.cache_data.clear()
        st.cache_resource.clear()
        app = AppTest.from_file(main, default_timeout=120)
        app.run()
        app.switch_page("app_pages/account.py")
        app.run()
        app.text_input(key="account_search").set_value("A0000007").run()
        assert not app.exception, [e.value for e in app.exception]
        with psycopg.connect(app_data.url) as conn:
            issued = [
                invoice_id
                for (invoice_id,) in conn.execute(
                    """select invoice_id from marts.fct_invoices
                       where account_id = (
                           select billing_account_id from marts.dim_accounts where account_id = 'A0000007')
                         and status = 'issued' order by period desc"""
                )
            ]
        assert app.selectbox(key="account_bill").options == issued
