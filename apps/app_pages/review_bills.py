"""Bills held for review (high bill, total ≤ 0): release or keep holding, with the account's recent invoices."""

import streamlit as st

from apps import data, identity, review

st.title("Held bills")
identity.reviewer()
period = review.queue_period("exc_bill_review")
if period is None:
    st.info("No bills were held.")
    st.stop()
queue = data.query(
    """select invoice_id, account_id, total_amount, currency, review_reason, reason
       from marts.exc_bill_review where period = :period and status = 'held' order by total_amount desc""",
    {"period": period},
)
st.caption(f"{len(queue):,} bills held in {period}.")
if queue.empty:
    st.success("Nothing to review.")
    st.stop()
row = review.pick(queue, "bill_pick", "Bill")
st.markdown(f"**{row['invoice_id']}**: {row['reason']}")
recent = data.query(
    """select invoice_id, period, status, total_amount, subtotal_amount, has_estimated_lines
       from marts.fct_invoices where account_id = :account order by period desc limit 7""",
    {"account": row["account_id"]},
)
st.markdown("The account's recent invoices")
st.dataframe(recent, hide_index=True, width="stretch")
action, reason, submitted = review.choice_form("bill", {"release": "Release (issue it)", "hold": "Keep holding"})
if submitted:
    review.save(
        """insert into review.bill_decisions (invoice_id, action, reviewer, reason)
           values (:invoice_id, :action, :reviewer, :reason)""",
        {"invoice_id": row["invoice_id"], "action": action, "reason": reason},
        f"{action.capitalize()} of {row['invoice_id']} saved",
    )
