"""Write-off candidates (oldest overdue item past the write-off threshold): approve or reject."""

import streamlit as st

from apps import data, identity, review
from apps.components import money, show_table

PENDING = """select action, reviewer, decided_at from review.write_off_decisions
             where account_id = :account_id order by decided_at desc, decision_id desc limit 1"""

st.title("Write-off candidates")
identity.reviewer()
period = review.queue_period("fct_dunning_stages")
if period is None:
    st.info("No receivables yet.")
    st.stop()
queue = data.query(
    """select d.account_id, a.customer_name, d.overdue_amount, d.open_amount, d.days_past_due,
              d.oldest_overdue_due_date,
              (select max(p.paid_on) from marts.fct_payments as p
               where p.account_id = d.account_id and p.entry_kind = 'credit') as last_payment_on,
              d.currency, d.write_off_decision
       from marts.fct_dunning_stages as d left join marts.dim_accounts as a on d.account_id = a.account_id
       where d.period = :period and d.dunning_stage = 'write_off_candidate'
         and coalesce(d.write_off_decision, '') <> 'reject'
       order by d.overdue_amount desc""",
    {"period": period},
)
currency = queue["currency"].dropna().iloc[0] if queue["currency"].notna().any() else ""
st.caption(
    f"{len(queue):,} accounts are write-off candidates at the end of {period}: "
    f"{money(sum(queue['overdue_amount'], start=0), currency)} overdue, "
    f"{money(sum(queue['open_amount'], start=0), currency)} open."
)
if queue.empty:
    st.success("Nothing to review.")
    st.stop()
row = review.pick(
    queue,
    "write_off_pick",
    "Account",
    "account_id",
    lambda r: f"{r['account_id']} · {r['customer_name'] or ''} · {money(r['overdue_amount'], r['currency'])} overdue",
)
items = data.query(
    """select invoice_id, component, due_date, days_past_due, aging_bucket, open_amount, :currency as currency
       from marts.fct_ar_open_items where period = :period and account_id = :account order by due_date""",
    {"period": period, "account": row["account_id"], "currency": row["currency"]},
)
st.markdown(
    f"Open items of **{row['account_id']}** ({row['customer_name'] or 'no name'}) at the end of {period}; "
    f"last payment {row['last_payment_on'] or 'never'}."
)
show_table(items)
review.warn_pending(review.pending(PENDING, {"account_id": row["account_id"]}))
action, reason, submitted = review.choice_form("write_off", {"approve": "Approve the write-off", "reject": "Reject"})
if submitted:
    review.save(
        """insert into review.write_off_decisions (account_id, action, reviewer, reason)
           values (:account_id, :action, :reviewer, :reason)""",
        {"account_id": row["account_id"], "action": action, "reason": reason},
        f"Write-off {action} for {row['account_id']} saved",
        period,
    )
