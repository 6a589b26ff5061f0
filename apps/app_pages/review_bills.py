"""Bills held for review (high bill, total ≤ 0): release or keep holding, with the charges that caused the hold."""

import pandas as pd
import streamlit as st

from apps import data, identity, review
from apps.components import money, show_table

PENDING = """select action, reviewer, decided_at from review.bill_decisions
             where invoice_id = :invoice_id order by decided_at desc, decision_id desc limit 1"""


def held_queue(period: str):
    return data.query(
        """select invoice_id, account_id, total_amount, period_amount, average_amount, last_year_amount, currency,
                  review_reason, reason
           from marts.exc_bill_review where period = :period and status = 'held' order by total_amount desc""",
        {"period": period},
    )


def show_context(row) -> None:
    """This period's charges against the average that triggered the hold, and the account's recent invoices."""
    currency = row["currency"]
    left, middle, right = st.columns(3)
    left.metric("This period's charges", money(row["period_amount"], currency))
    middle.metric("Average of the last 6 invoices", money(row["average_amount"], currency))
    right.metric("Same month last year", money(row["last_year_amount"], currency))
    baseline = max((v for v in (row["average_amount"], row["last_year_amount"]) if pd.notna(v)), default=None)
    if baseline and pd.notna(row["period_amount"]) and baseline > 0:
        st.caption(f"The charges are {row['period_amount'] / baseline:.2f} × the higher of the two baselines.")
    recent = data.query(
        """select invoice_id, period, status, total_amount, subtotal_amount, has_estimated_lines, currency
           from marts.fct_invoices where account_id = :account order by period desc limit 7""",
        {"account": row["account_id"]},
    )
    st.markdown("The account's recent invoices")
    show_table(recent)


st.title("Held bills")
identity.reviewer()
period = review.queue_period("exc_bill_review")
if period is None:
    st.info("No bills were held.")
    st.stop()
queue = held_queue(period)
st.caption(f"{len(queue):,} bills held in {period}.")
if queue.empty:
    st.success("Nothing to review.")
    st.stop()
row = review.pick(
    queue,
    "bill_pick",
    "Bill",
    "invoice_id",
    lambda r: f"{r['invoice_id']} · {r['account_id']} · {money(r['total_amount'], r['currency'])}",
)
st.markdown(f"**{row['invoice_id']}** of {row['account_id']}: {row['reason']}")
show_context(row)
review.warn_pending(review.pending(PENDING, {"invoice_id": row["invoice_id"]}))
action, reason, submitted = review.choice_form("bill", {"release": "Release (issue it)", "hold": "Keep holding"})
if submitted:
    review.save(
        """insert into review.bill_decisions (invoice_id, action, reviewer, reason)
           values (:invoice_id, :action, :reviewer, :reason)""",
        {"invoice_id": row["invoice_id"], "action": action, "reason": reason},
        f"{action.capitalize()} of {row['invoice_id']} saved",
        period,
    )
