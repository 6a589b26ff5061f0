"""Unapplied cash: assign a payment nobody could match to the account it belongs to, or split it (D78)."""

from decimal import Decimal

import streamlit as st

from apps import data, identity, review, splits
from apps.components import money, show_table

PENDING = """select 'assign to ' || account_id as action, reviewer, decided_at from review.payment_assignments
             where payment_id = :payment_id order by decided_at desc, assignment_id desc limit 1"""


def text(value: object) -> str:
    """A text cell as shown: empty for a missing value (None or pandas' NaN), never "nan"."""
    return value if isinstance(value, str) else ""


def candidates(payer_name: str, period: str):
    """Accounts with the payer's name, with their balance at the period's end and their last payment."""
    return data.query(
        """select a.account_id, a.customer_name, a.customer_class, a.district,
                  d.open_amount as balance_amount, d.currency,
                  (select max(p.paid_on) from marts.fct_payments as p
                   where p.account_id = a.billing_account_id and p.entry_kind = 'credit') as last_payment_on
           from marts.dim_accounts as a
           left join marts.fct_dunning_stages as d on d.account_id = a.billing_account_id and d.period = :period
           where a.customer_name ilike :name order by a.account_id limit 10""",
        {"name": f"%{payer_name}%", "period": period},
    )


def set_aside(period: str | None):
    """Bank records rejected at load (D79): an unknown currency, a duplicate id, a debit entry, a malformed
    amount. Not payments, so not in the queue, but a reviewer must see them: those paid in the period, and
    those whose date could not be read."""
    return data.query(
        """select file_name, row_no, raw_values ->> 'payment_id' as payment_id,
                  raw_values ->> 'paid_at' as paid_at, raw_values ->> 'amount' as amount_as_sent,
                  raw_values ->> 'currency' as currency_as_sent, raw_values ->> 'payer_name' as payer_name,
                  reject_reason
           from marts.fct_rejected_rows
           where target_table = 'payments' and reject_kind = 'rejected'
             and (cast(:period as text) is null or left(raw_values ->> 'paid_at', 7) = :period
                  or coalesce(raw_values ->> 'paid_at', '') !~ '^[0-9]{4}-[0-9]{2}')
           order by rejected_at desc, file_name, row_no""",
        {"period": period},
    )


st.title("Unapplied cash")
identity.reviewer()
period = review.queue_period("exc_unapplied_payments")
rejected = set_aside(period)
if not rejected.empty:
    with st.expander(f"{len(rejected):,} bank records set aside at load (not payments: nothing to assign)"):
        show_table(rejected, key="payments_set_aside")
if period is None:
    st.info("No unapplied cash.")
    st.stop()
queue = data.query(
    """select payment_id, paid_on, unapplied_amount, currency, reference, payer_name, remittance_text, review_reason
       from marts.exc_unapplied_payments where period = :period order by paid_on, payment_id""",
    {"period": period},
)
currency = queue["currency"].dropna().iloc[0] if queue["currency"].notna().any() else ""
st.caption(
    f"{len(queue):,} payments unapplied at the end of {period}, "
    f"{money(sum(queue['unapplied_amount'], start=0), currency)} in total."
)
if queue.empty:
    st.success("Nothing to review.")
    st.stop()
row = review.pick(
    queue,
    "payment_pick",
    "Payment",
    "payment_id",
    lambda r: f"{r['payment_id']} · {r['paid_on']} · {money(r['unapplied_amount'], r['currency'])}",
)
payer, reference, remittance = (text(row[c]) for c in ("payer_name", "reference", "remittance_text"))
st.markdown(
    f"**{row['payment_id']}** of {money(row['unapplied_amount'], row['currency'])} on {row['paid_on']}: "
    f"reference `{reference}`, payer *{payer or 'unknown'}*, text “{remittance}”."
)
if payer:
    suggested = candidates(payer, period)
    if not suggested.empty:
        st.markdown("Accounts with the payer's name: balance at the end of the period and last payment")
        show_table(suggested)
review.warn_pending(review.pending(PENDING, {"payment_id": row["payment_id"]}))
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
            period,
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
                period,
            )
