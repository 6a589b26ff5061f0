"""The Streamlit apps with streamlit.testing: every page shows the marts' figures; decisions reach the database
and the next billing run applies them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

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
    assert metric(app, "Total AR") == euros(
        scalar(app_db, "select sum(closing_ar_amount) from marts.agg_receivables_monthly where period = %s", (LAST,))
    )
    assert metric(app, "Billed revenue") == euros(
        scalar(app_db, "select sum(revenue_amount) from marts.agg_sales_monthly where period = %s", (LAST,))
    )
    issued = scalar(app_db, "select count(*) from marts.fct_invoices where period = %s and status = 'issued'", (LAST,))
    assert metric(app, "Active accounts") == f"{issued:,}"
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
        "review_readings": "select count(*) from marts.exc_reading_anomalies where period = %s and decision is null",
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
    queue = app.dataframe[0].value
    app.selectbox(key="anomaly_pick").set_value(int(queue["read_at"].notna().idxmax())).run()
    app.radio(key="reading_action").set_value("replace")
    app.text_input(key="reading_reason").set_value("photo of the register")
    app.button[0].click().run()
    assert any("must be a number" in e.value for e in app.error)
    app.radio(key="reading_action").set_value("accept")
    app.button[0].click().run()
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
    app.text_input(key="write_off_reason").set_value("insolvency proceedings")
    app.button[0].click().run()
    assert (
        scalar(app_db, "select action from review.write_off_decisions where account_id = %s", (account,)) == "approve"
    )

    # The next run (same policy) applies them: the bill is issued, the payment applied, the account
    # written off; each row leaves its queue.
    assert run_job("bill_period", app_db, partition_key=f"{LAST}-01", policy=app_data.policy)
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
