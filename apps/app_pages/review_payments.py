"""Unapplied cash: assign a payment nobody could match to the account it belongs to, or split it (D78)."""

from decimal import Decimal

import streamlit as st

from apps import data, identity, review, splits

st.title("Unapplied cash")
identity.reviewer()
period = review.queue_period("exc_unapplied_payments")
if period is None:
    st.info("No unapplied cash.")
    st.stop()
queue = data.query(
    """select payment_id, paid_on, unapplied_amount, currency, reference, payer_name, remittance_text, review_reason
       from marts.exc_unapplied_payments where period = :period order by paid_on, payment_id""",
    {"period": period},
)
st.caption(f"{len(queue):,} payments unapplied at the end of {period}.")
if queue.empty:
    st.success("Nothing to review.")
    st.stop()
row = review.pick(queue, "payment_pick", "Payment")
st.markdown(
    f"**{row['payment_id']}** of {row['unapplied_amount']} {row['currency']} on {row['paid_on']}: "
    f"reference `{row['reference'] or ''}`, payer *{row['payer_name'] or 'unknown'}*, "
    f"text “{row['remittance_text'] or ''}”."
)
if row["payer_name"]:
    candidates = data.query(
        """select account_id, customer_name, customer_class, district from marts.dim_accounts
           where customer_name ilike :name order by account_id limit 10""",
        {"name": f"%{row['payer_name']}%"},
    )
    if not candidates.empty:
        st.markdown("Accounts with the payer's name")
        st.dataframe(candidates, hide_index=True, width="stretch")
with st.form("payment_assignment"):
    account_id = st.text_input("Assign to account", key="payment_account").strip()
    reason = st.text_input("Reason", key="payment_reason")
    submitted = st.form_submit_button("Assign")
if submitted:
    known = data.scalar("select count(*) from marts.dim_accounts where account_id = :account", {"account": account_id})
    if not account_id or not known:
        st.error(f"Account {account_id!r} does not exist.")
    else:
        review.save(
            """insert into review.payment_assignments (payment_id, account_id, reviewer, reason)
               values (:payment_id, :account_id, :reviewer, :reason)""",
            {"payment_id": row["payment_id"], "account_id": account_id, "reason": reason},
            f"{row['payment_id']} assigned to {account_id}",
        )

st.markdown(
    "**Or split it across accounts**: one line per account, `ACCOUNT AMOUNT`; the amounts must add up to the payment."
)
with st.form("payment_split"):
    lines = st.text_area("Split", key="split_lines", placeholder="A000101 100.00\nA000103 50.00")
    split_reason = st.text_input("Reason", key="split_reason")
    split_submitted = st.form_submit_button("Split")
if split_submitted:
    try:
        pairs = splits.parse_split(lines, Decimal(str(row["unapplied_amount"])))
    except splits.SplitError as problem:
        st.error(str(problem))
    else:
        accounts = [account for account, _ in pairs]
        known = data.query(
            "select account_id from marts.dim_accounts where account_id = any(:accounts)", {"accounts": accounts}
        )["account_id"].tolist()
        unknown = [account for account in accounts if account not in known]
        if unknown:
            st.error(f"Account(s) {', '.join(unknown)} do not exist.")
        else:  # one statement: the rows share one decided_at, which makes them one decision
            values = ", ".join(
                f"(:payment_id, :account_{i}, :amount_{i}, :reviewer, :reason)" for i in range(len(pairs))
            )
            params = {"payment_id": row["payment_id"], "reason": split_reason}
            for i, (account, amount) in enumerate(pairs):
                params |= {f"account_{i}": account, f"amount_{i}": amount}
            review.save(
                "insert into review.payment_assignments (payment_id, account_id, amount, reviewer, reason) "
                f"values {values}",
                params,
                f"{row['payment_id']} split across {', '.join(accounts)}",
            )
