"""Write-off candidates (oldest overdue item past the write-off threshold): approve or reject."""

import streamlit as st

from apps import data, identity, review

st.title("Write-off candidates")
identity.reviewer()
period = review.queue_period("fct_dunning_stages")
if period is None:
    st.info("No receivables yet.")
    st.stop()
queue = data.query(
    """select d.account_id, a.customer_name, d.overdue_amount, d.open_amount, d.days_past_due,
              d.oldest_overdue_due_date, d.currency, d.write_off_decision
       from marts.fct_dunning_stages as d left join marts.dim_accounts as a on d.account_id = a.account_id
       where d.period = :period and d.dunning_stage = 'write_off_candidate'
         and coalesce(d.write_off_decision, '') <> 'reject'
       order by d.overdue_amount desc""",
    {"period": period},
)
st.caption(f"{len(queue):,} accounts are write-off candidates at the end of {period}.")
if queue.empty:
    st.success("Nothing to review.")
    st.stop()
row = review.pick(queue, "write_off_pick", "Account")
items = data.query(
    """select invoice_id, component, due_date, days_past_due, aging_bucket, open_amount
       from marts.fct_ar_open_items where period = :period and account_id = :account order by due_date""",
    {"period": period, "account": row["account_id"]},
)
st.markdown(f"Open items of **{row['account_id']}** at the end of {period}")
st.dataframe(items, hide_index=True, width="stretch")
action, reason, submitted = review.choice_form("write_off", {"approve": "Approve the write-off", "reject": "Reject"})
if submitted:
    review.save(
        """insert into review.write_off_decisions (account_id, action, reviewer, reason)
           values (:account_id, :action, :reviewer, :reason)""",
        {"account_id": row["account_id"], "action": action, "reason": reason},
        f"Write-off {action} for {row['account_id']} saved",
    )
