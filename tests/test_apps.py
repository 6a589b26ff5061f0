"""The Streamlit apps with streamlit.testing: every page shows the marts' figures; decisions reach the database
and the next billing run applies them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from apps.components import running_balance
from tests.conftest import AppData
from tests.helpers import environment, run_job, scalar

MAIN = str(Path(__file__).resolve().parents[1] / "apps" / "main.py")
LAST = "2024-04"


@pytest.fixture
def app_db(app_data: AppData) -> str:
    return app_data.url


@pytest.fixture
def app(app_db: str) -> Iterator[AppTest]:
    with environment(M2C_DATABASE_URL=app_db):
        st.cache_data.clear()
        st.cache_resource.clear()
        test = AppTest.from_file(MAIN, default_timeout=120)
        test.run()
        yield test


def visit(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"app_pages/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def euros(value: Decimal) -> str:
    return f"{value:,.2f} EUR"


def traces(app: AppTest) -> list[int]:
    return [len(json.loads(chart.proto.spec)["data"]) for chart in app.get("plotly_chart")]


def caption_count(app: AppTest) -> int:
    """The queue size the page states ("12 bills held in 2024-04.")."""
    first_words = (c.value.split()[0].replace(",", "") for c in app.caption)
    return int(next(word for word in first_words if word.isdigit()))


def test_executive_pages_show_the_marts(app: AppTest, app_db: str) -> None:
    visit(app, "overview")
    assert app.title[0].value == f"Overview · {LAST}"
    assert metric(app, "AR subledger closing") == euros(
        scalar(app_db, "select sum(closing_ar_amount) from marts.agg_receivables_monthly where period = %s", (LAST,))
    )
    assert metric(app, "Billed revenue (excl. taxes)") == euros(
        scalar(app_db, "select sum(revenue_amount) from marts.agg_sales_monthly where period = %s", (LAST,))
    )
    # Active accounts come from contracts in force, billed or not (a held bill's account is still active).
    contracted = scalar(
        app_db,
        """select count(distinct account_id) from intermediate.int_contracts_deduplicated
           where start_date <= date '2024-04-30' and (end_date is null or end_date >= date '2024-04-01')""",
    )
    assert metric(app, "Active accounts") == f"{contracted:,}"
    assert traces(app) and all(traces(app))

    visit(app, "trends")
    assert len(traces(app)) == 3 and all(traces(app))
    app.radio(key="trend_dimension").set_value("district").run()
    districts = scalar(app_db, "select count(distinct district) from marts.agg_sales_monthly")
    assert traces(app)[0] == districts

    visit(app, "arrears")
    assert len(traces(app)) == 3 and traces(app)[0] == 7  # one trace per aging bucket
    debtors = app.dataframe[0].value
    assert len(debtors) == min(
        20,
        scalar(
            app_db, "select count(*) from marts.fct_dunning_stages where period = %s and overdue_amount > 0", (LAST,)
        ),
    )

    visit(app, "account")
    app.text_input(key="account_search").set_value("A0000007").run()
    statement = app.dataframe[0].value
    assert len(statement) == scalar(app_db, "select count(*) from marts.fct_ar_movements where account_id = 'A0000007'")
    # (the table reaches the test through Arrow as floats; the app computes it in Decimal)
    assert Decimal(f"{statement['balance'].iloc[-1]:.2f}") == scalar(
        app_db, "select sum(ar_amount) from marts.fct_ar_movements where account_id = 'A0000007'"
    )
    assert len(app.download_button) >= 2


def test_review_queues_count_what_the_marts_hold(app: AppTest, app_db: str) -> None:
    expected = {
        # A DUPLICATE pair is one decision (on the meter's read at that time); flags without a read apart.
        "review_readings": """select count(distinct (flag, meter_id, read_at)) from marts.exc_reading_anomalies
                               where period = %s and decision is null and read_at is not null""",
        "review_bills": "select count(*) from marts.exc_bill_review where period = %s and status = 'held'",
        "review_payments": "select count(*) from marts.exc_unapplied_payments where period = %s",
        "review_write_offs": """select count(*) from marts.fct_dunning_stages where period = %s
                                 and dunning_stage = 'write_off_candidate'""",
    }
    for page, sql in expected.items():
        visit(app, page)
        count = scalar(app_db, sql, (LAST,))
        assert count > 0, page
        assert caption_count(app) == count, page


def decide(app: AppTest, page: str, reviewer: str | None = "ana") -> AppTest:
    visit(app, page)
    if reviewer:
        app.text_input(key="reviewer").set_value(reviewer).run()
    return app


def test_decisions_are_validated_saved_and_applied_by_the_next_run(
    app: AppTest, app_db: str, app_data: AppData
) -> None:
    # A held bill: no reviewer name -> refused; then released by two reviewers (both kept, the latest applies).
    decide(app, "review_bills", reviewer=None)
    invoice = app.selectbox(key="bill_pick").options[0].split(" · ")[0]
    app.radio(key="bill_action").set_value("release")
    app.text_input(key="bill_reason").set_value("meter exchanged, usage is real")
    app.button[0].click().run()
    assert any("Enter your name" in e.value for e in app.error)
    app.text_input(key="reviewer").set_value("ana").run()
    app.radio(key="bill_action").set_value("hold")
    app.text_input(key="bill_reason").set_value("checking")
    app.button[0].click().run()
    app.text_input(key="reviewer").set_value("ben").run()
    app.radio(key="bill_action").set_value("release")
    app.text_input(key="bill_reason").set_value("meter exchanged, usage is real")
    app.button[0].click().run()
    with psycopg.connect(app_db) as conn:
        history = conn.execute(
            "select reviewer, action from review.bill_decisions where invoice_id = %s order by decision_id", (invoice,)
        ).fetchall()
    assert history == [("ana", "hold"), ("ben", "release")]

    # A reading: a replacement must be a number >= 0; an accepted read is saved with who and why.
    decide(app, "review_readings")
    app.radio(key="reading_action").set_value("replace")
    app.text_input(key="reading_reason").set_value("photo of the register")
    app.button[0].click().run()
    assert any("must be a number" in e.value for e in app.error)
    app.radio(key="reading_action").set_value("accept")
    app.button[0].click().run()
    app.run()  # the next look at the row (a second reviewer's) shows the decision waiting for the run
    assert any("applies on the next run" in w.value for w in app.warning), [w.value for w in app.warning]
    assert scalar(app_db, "select count(*) from review.reading_decisions where reviewer = 'ana'") == 1

    # Unapplied cash: the account must exist.
    decide(app, "review_payments")
    payment = app.selectbox(key="payment_pick").options[0].split(" · ")[0]
    app.text_input(key="payment_account").set_value("NOPE")
    app.text_input(key="payment_reason").set_value("the payer phoned")
    app.button[0].click().run()
    assert any("does not exist" in e.value for e in app.error)
    app.text_input(key="payment_account").set_value("A0000003")
    app.button[0].click().run()
    assert (
        scalar(app_db, "select account_id from review.payment_assignments where payment_id = %s", (payment,))
        == "A0000003"
    )

    # A write-off candidate, approved.
    decide(app, "review_write_offs")
    account = app.selectbox(key="write_off_pick").options[0].split(" · ")[0]
    app.button[0].click().run()
    assert any("Choose a decision" in e.value for e in app.error)  # nothing is preselected
    app.radio(key="write_off_action").set_value("approve")
    app.text_input(key="write_off_reason").set_value("insolvency proceedings")
    app.button[0].click().run()
    assert (
        scalar(app_db, "select action from review.write_off_decisions where account_id = %s", (account,)) == "approve"
    )

    # The next run (same policy) applies them: the bill is issued, the payment applied, the account
    # written off; each row leaves its queue.
    assert run_job("bill_period", app_db, partition_key=LAST, policy=app_data.policy)
    assert scalar(app_db, "select status from marts.fct_invoices where invoice_id = %s", (invoice,)) == "issued"
    assert (
        scalar(
            app_db,
            "select count(*) from marts.exc_unapplied_payments where payment_id = %s and period = %s",
            (payment, LAST),
        )
        == 0
    )
    assert (
        scalar(
            app_db,
            "select written_off_amount from marts.rpt_ar_subledger where account_id = %s and period = %s",
            (account, LAST),
        )
        > 0
    )
    st.cache_data.clear()
    visit(app, "review_bills")
    assert invoice not in [o.split(" · ")[0] for o in app.selectbox(key="bill_pick").options]


def test_running_balance_is_exact_to_the_cent() -> None:
    """0.10 + 0.20 = 0.30 and 0.30 + 429.08 = 429.38 exactly (floats give 0.30000000000000004 and
    429.38000000000005); -429.38 brings it back to 0.00."""
    amounts = pd.Series([Decimal("0.1"), Decimal("0.20"), Decimal("429.08"), Decimal("-429.38")])
    assert [str(b) for b in running_balance(amounts)] == ["0.10", "0.30", "429.38", "0.00"]


def shown_write_off_account(app: AppTest) -> str:
    """The account the write-off page's text is about ("Open items of **A…**")."""
    text = next(m.value for m in app.markdown if m.value.startswith("Open items of"))
    return text.split("**")[1]


def test_a_decision_lands_on_the_row_shown_after_a_filter_change(app: AppTest, app_db: str) -> None:
    """Pick the second write-off candidate, switch the Period to the previous one and back: the picker,
    the text and the saved decision all name the same account. On the readings queue, a flag filter that
    removes the picked row makes the picker fall back to a row of the new queue, and the decision is saved
    for that row (the one shown), not for the one picked before."""
    decide(app, "review_write_offs")
    picker = app.selectbox(key="write_off_pick")
    assert len(picker.options) >= 2
    second = picker.options[1].split(" · ")[0]
    picker.set_value(second).run()
    assert shown_write_off_account(app) == second
    periods = app.selectbox(key="period_fct_dunning_stages").options
    app.selectbox(key="period_fct_dunning_stages").set_value(periods[1]).run()
    if any(m.value.startswith("Open items of") for m in app.markdown):  # the earlier queue may be empty
        assert shown_write_off_account(app) == app.selectbox(key="write_off_pick").value
    app.selectbox(key="period_fct_dunning_stages").set_value(periods[0]).run()
    shown = shown_write_off_account(app)
    assert shown == app.selectbox(key="write_off_pick").value
    app.radio(key="write_off_action").set_value("reject")
    app.text_input(key="write_off_reason").set_value("payment plan agreed")
    app.button[0].click().run()
    assert (
        scalar(app_db, "select account_id from review.write_off_decisions where reason = 'payment plan agreed'")
        == shown
    )

    decide(app, "review_readings")
    picker = app.selectbox(key="anomaly_pick")
    flags = sorted({option.split(" · ")[0] for option in picker.options})
    picker.select_index(len(picker.options) - 1).run()  # the last row: of the last flag in the queue's order
    picker = app.selectbox(key="anomaly_pick")
    picked, picked_flag = picker.value, picker.options[picker.index].split(" · ")[0]
    if len(flags) >= 2:  # keep only another flag: the picked row leaves the queue
        other = next(f for f in flags if f != picked_flag)
        app.multiselect(key="anomaly_flags").set_value([other]).run()
    else:  # the previous period's queue: another queue, the picked row is not in it
        periods = app.selectbox(key="period_exc_reading_anomalies").options
        app.selectbox(key="period_exc_reading_anomalies").set_value(periods[1]).run()
    picker = app.selectbox(key="anomaly_pick")
    assert picker.value != picked
    row_label = picker.options[picker.index]
    flag, meter = row_label.split(" · ")[:2]
    text = next(m.value for m in app.markdown if m.value.startswith(f"**{flag}**"))
    assert f"`{meter}`" in text  # the text is about the row the picker names
    app.radio(key="reading_action").set_value("exclude")
    app.text_input(key="reading_reason").set_value("after a filter change")
    app.button[0].click().run()
    assert (
        scalar(app_db, "select meter_id from review.reading_decisions where reason = 'after a filter change'") == meter
    )


def test_the_reviewer_name_survives_a_page_switch(app: AppTest) -> None:
    decide(app, "review_bills", reviewer="cleo")
    visit(app, "overview")
    visit(app, "review_payments")
    assert app.text_input(key="reviewer").value == "cleo"


def test_every_overview_figure_equals_the_workbook_cover(app: AppTest, app_db: str, tmp_path: Path) -> None:
    """The Overview's key figures and the ledger workbook's cover for the same period, figure by figure;
    the cover's invoices issued is the issued invoices' total, its AR subledger closing is its aging total."""
    import openpyxl

    from apps import kpis
    from exports.period import export_period

    export_period(LAST, url=app_db, out_dir=tmp_path)
    book = openpyxl.load_workbook(tmp_path / LAST / f"ledger_{LAST}.xlsx")
    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True) if len(row) > 1 and row[0]}
    visit(app, "overview")
    for label, kind in kpis.FIGURES:
        value = cover[label]
        exact = Decimal(str(value)) if kind != "count" else int(value)
        assert metric(app, label) == kpis.shown(label, exact, "EUR"), label
    issued = scalar(
        app_db, "select sum(total_amount) from marts.fct_invoices where period = %s and status = 'issued'", (LAST,)
    )
    assert metric(app, "Invoices issued") == euros(issued)
    assert Decimal(str(cover["AR subledger closing"])) == Decimal(str(cover["Aging total"]))
    held = scalar(
        app_db,
        "select coalesce(sum(total_amount), 0) from marts.fct_invoices where period = %s and status = 'held'",
        (LAST,),
    )
    assert metric(app, "Held for review (not issued)") == euros(held)


def test_a_balance_shows_exactly_two_decimals(app: AppTest) -> None:
    visit(app, "account")
    app.text_input(key="account_search").set_value("A0000007").run()
    balance = metric(app, "Balance")
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d{2} EUR", balance), balance
    balances = app.dataframe[0].value["balance"]
    assert all(Decimal(str(b)) == Decimal(str(b)).quantize(Decimal("0.01")) for b in balances)
    assert str(balances.map(type).iloc[0]), balances.dtype


def test_a_decision_on_a_closed_period_is_refused(app: AppTest, app_db: str) -> None:
    """Close the first period; a decision on its queue is refused with the reason, and nothing is saved.
    (Last in this file: the period stays closed for the session's database.)"""
    from core.closing import close_period

    first = "2024-01"
    with psycopg.connect(app_db) as conn:
        close_period(conn, first, closed_by="test")
    st.cache_data.clear()
    decide(app, "review_readings")
    app.selectbox(key="period_exc_reading_anomalies").set_value(first).run()
    assert app.selectbox(key="period_exc_reading_anomalies").options[-1] == f"{first} (closed)"
    before = scalar(app_db, "select count(*) from review.reading_decisions")
    app.radio(key="reading_action").set_value("accept")
    app.text_input(key="reading_reason").set_value("late look")
    app.button[0].click().run()
    assert any(f"{first} was closed" in e.value for e in app.error)
    assert scalar(app_db, "select count(*) from review.reading_decisions") == before


def frame_with(app: AppTest, column: str) -> pd.DataFrame:
    """The page's first table with `column` (tables reach the test through Arrow)."""
    return next(df.value for df in app.dataframe if column in df.value.columns)


def test_tariff_components_and_sales_per_component(app: AppTest, app_db: str) -> None:
    """The sample's KEPCO-like RES-K1 (D112) on the sales page: its three charges as published, and billed
    amounts per component whose sum is the sales mart's billed total (both: issued invoices, no late
    charges), the KEPCO-like invoices' riders, fund and rounding lines among them."""
    assert scalar(app_db, "select count(*) from marts.fct_invoice_lines where tariff_code = 'RES-K1'") > 0
    visit(app, "trends")
    components = frame_with(app, "component")
    expected = scalar(
        app_db,
        """select count(distinct (tariff_code, component, line_type, currency))
           from marts.agg_sales_components_monthly""",
    )
    assert len(components) == expected
    total = scalar(app_db, "select sum(billed_amount) from marts.agg_sales_monthly")
    assert Decimal(f"{components['billed_amount'].sum():.2f}") == total
    shown = set(zip(components["tariff_code"], components["component"], strict=True))
    assert {("RES-K1", "climate"), ("RES-K1", "fuel"), ("RES-K1", "fund"), ("invoice", "rounding")} <= shown
    assert {("WAT-S1", "sewage"), ("WAT-S1", "sewage_standing")} <= shown

    app.selectbox(key="trend_tariff").set_value("RES-K1").run()
    charges = frame_with(app, "charge_code")
    assert charges["charge_code"].tolist() == ["climate", "fuel", "fund"]
    assert charges["basis"].tolist() == ["units", "units", "percent"]
    assert charges["is_vat_base"].tolist() == [True, True, False]
    versions = frame_with(app, "total_rounding_unit")
    assert [Decimal(str(v)).normalize() for v in versions["total_rounding_unit"]] == [Decimal("0.1")]
    assert versions["rounding_mode"].tolist() == ["down"]


def test_account_page_traces_norm_billed_lines(app: AppTest, app_db: str) -> None:
    """An unmetered flat on WAT-N1 (D112: residents = 1 + account index mod 4, norm 4.85 m³ per resident
    and month): a full month bills 4.85 × residents m³, e.g. 3 residents: 14.55 m³; the account page shows
    each period's norm, residents and version (D114)."""
    account, residents = (
        psycopg.connect(app_db)
        .execute(
            """select account_id, norm_quantity from marts.fct_norm_usage
           where tariff_code = 'WAT-N1' and account_id like 'A%' order by account_id limit 1"""
        )
        .fetchone()
    )
    assert residents == 1 + (int(account[1:]) - 1) % 4
    visit(app, "account")
    app.text_input(key="account_search").set_value(account).run()
    trace = frame_with(app, "residents_or_area")
    rows = scalar(app_db, "select count(*) from marts.fct_norm_usage where account_id = %s", (account,))
    assert len(trace) == rows > 0
    assert set(trace["norm_basis"]) == {"residents"} and set(trace["norm_version"].astype(str)) == {"2020-01-01"}
    full = trace[trace["part_days"] == pd.to_datetime(trace["part_to"]).dt.days_in_month]
    assert not full.empty
    assert all(Decimal(f"{u:.6f}") == Decimal("4.85") * residents for u in full["units"])


def test_bank_records_set_aside_at_load_are_listed_with_their_reason(app: AppTest, app_db: str) -> None:
    """app_data's second desk file of 2024-04 has DESK10 in "ABC" (no ISO 4217 code) and DESK9 again (already
    loaded from the first file): both are rejected at load (D79), so neither is unapplied cash, and the
    unapplied-cash page lists both with the reason, the file and its row (rows 1 and 2 of the file)."""
    unapplied = scalar(
        app_db, "select count(*) from marts.exc_unapplied_payments where payment_id in ('DESK9', 'DESK10')"
    )
    assert unapplied == 1  # DESK9 of the first file: its reference matches nobody
    visit(app, "review_payments")
    shown = frame_with(app, "reject_reason").set_index("payment_id")
    assert {"DESK9", "DESK10"} <= set(shown.index)
    assert "ABC" in shown.loc["DESK10", "reject_reason"] and shown.loc["DESK10", "currency_as_sent"] == "ABC"
    assert "already loaded" in shown.loc["DESK9", "reject_reason"] and shown.loc["DESK9", "amount_as_sent"] == "24.00"
    assert set(shown.loc[["DESK9", "DESK10"], "file_name"]) == {"desk_2024-04b.csv"}


def test_a_money_column_with_gaps_shows_them_empty(app: AppTest, app_db: str) -> None:
    """Held bills of the first year have no same-month-last-year charges (null in exc_bill_review): the column
    shows those cells empty, never "None" (Streamlit's drawing of a missing number), and the others as money
    with the currency ("1,234.50 EUR"). The same for a quantity (a DUPLICATE read's units) and a date (a
    write-off candidate who never paid has no last payment)."""
    visit(app, "review_bills")
    shown = frame_with(app, "last_year_amount")["last_year_amount"]
    assert "" in set(shown) and "None" not in set(shown)
    assert all(re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d{2} EUR", cell) for cell in shown if cell)
    visit(app, "review_readings")
    units = frame_with(app, "units")["units"]
    assert not any(cell is None or (isinstance(cell, float) and cell != cell) for cell in units)  # no gap drawn
    visit(app, "review_write_offs")
    last = frame_with(app, "last_payment_on")["last_payment_on"]
    assert not any(cell is None or (isinstance(cell, float) and cell != cell) for cell in last)
