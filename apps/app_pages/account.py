"""Account drill-down: statement with running balance, usage history with estimates marked, anomalies."""

from itertools import accumulate

import plotly.express as px
import streamlit as st

from apps import data
from apps.components import chart, downloads

st.title("Account")
search = st.text_input("Search an account (id or customer name)", key="account_search").strip()
if not search:
    st.info("Type an account id (A0000001) or part of a customer's name.")
    st.stop()
matches = data.query(
    """select account_id, customer_name, customer_class, district, billing_account_id, payment_method, mandate_id
       from marts.dim_accounts where account_id ilike :pattern or customer_name ilike :pattern
       order by account_id limit 50""",
    {"pattern": f"%{search}%"},
)
if matches.empty:
    st.warning(f"No account matches {search!r}.")
    st.stop()
labels = {row.account_id: f"{row.account_id} · {row.customer_name}" for row in matches.itertuples()}
account_id = st.selectbox("Account", list(labels), format_func=labels.get, key="account_pick")
account = matches.set_index("account_id").loc[account_id]
billing_id = account["billing_account_id"]
mandate = account["mandate_id"] if isinstance(account["mandate_id"], str) else "missing: not collected"
st.caption(
    f"{account['customer_class']} · district {account['district']}"
    + (f" · billed on {billing_id}'s invoice" if billing_id != account_id else "")
    + (f" · direct debit, mandate {mandate}" if account["payment_method"] == "direct_debit" else "")
)

movements = data.query(
    """select moved_on, movement_type, invoice_id, component, payment_id, amount, ar_amount, currency
       from marts.fct_ar_movements where account_id = :account
       order by moved_on, case movement_type when 'billed' then 1 when 'late_charge' then 2 else 3 end,
                invoice_id, payment_id""",
    {"account": billing_id},
)
# Exact running balance: Decimal arithmetic, not the float a pandas cumsum would give.
movements["balance"] = list(accumulate(movements["ar_amount"]))
st.subheader("Statement")
st.metric("Balance", f"{movements['balance'].iloc[-1]:,.2f}" if not movements.empty else "0.00")
st.dataframe(movements, hide_index=True, width="stretch")
downloads(movements, f"statement_{billing_id}")

left, right = st.columns(2)
with left:
    st.markdown("**Invoices**")
    invoices = data.query(
        """select invoice_id, period, bill_date, due_date, status, total_amount, late_charge_amount, currency,
                  review_reason
           from marts.fct_invoices where account_id = :account order by period desc""",
        {"account": billing_id},
    )
    st.dataframe(invoices, hide_index=True, width="stretch")
with right:
    st.markdown("**Payments**")
    payments = data.query(
        """select payment_id, paid_on, entry_kind, amount, reference, match_method, status
           from marts.fct_payments where account_id = :account order by paid_on desc""",
        {"account": billing_id},
    )
    st.dataframe(payments, hide_index=True, width="stretch")
    # Returned or rejected direct debits (D84): a reversal names the collection it undoes, not the account.
    returns = data.query(
        """select r.paid_on as returned_on, c.invoice_id, r.amount, r.currency, r.return_reason_code,
                  r.return_reason, r.payment_id
           from marts.fct_payments as r
           join marts.fct_payments as c on c.payment_id = r.reversed_payment_id and c.entry_kind = 'credit'
           where c.account_id = :account and r.return_reason_code is not null
           order by r.paid_on desc""",
        {"account": billing_id},
    )
    if not returns.empty:
        st.markdown("**Returned direct debits**")
        st.dataframe(returns, hide_index=True, width="stretch")

with st.expander("Invoice lines"):
    invoice_id = st.selectbox("Invoice", invoices["invoice_id"].tolist(), key="account_invoice")
    lines = data.query(
        """select line_no, line_type, service, tariff_code, block_no, quantity, unit, unit_price, amount,
                  is_estimated, part_from, part_to, adjusts_period
           from marts.fct_invoice_lines where account_id = :account and invoice_id = :invoice order by line_no""",
        {"account": billing_id, "invoice": invoice_id},
    )
    st.dataframe(lines, hide_index=True, width="stretch")

usage = data.numeric(
    data.query(
        """select period, service, min(unit) as unit, sum(quantity) as usage_units, bool_or(is_estimated) as estimated
           from marts.fct_invoice_lines
           where account_id = :account and coalesce(contract_account_id, account_id) = :own and line_type = 'energy'
           group by period, service order by period""",
        {"account": billing_id, "own": account_id},
    )
)
if not usage.empty:
    usage["read"] = usage["estimated"].map({True: "estimated", False: "actual"})
    figure = px.bar(
        usage,
        x="period",
        y="usage_units",
        color="read",
        facet_row="service",
        title="Billed usage",
        color_discrete_map={"actual": "#1f4e78", "estimated": "#f0a30a"},
    )
    chart(figure, usage, f"usage_{account_id}")

anomalies = data.query(
    """select period, flag, meter_id, read_at, reading, units, reason, decision
       from marts.exc_reading_anomalies
       where service_point_id in (
           select distinct service_point_id from marts.fct_invoice_lines
           where account_id = :account and contract_account_id = :own and service_point_id is not null)
       order by period desc""",
    {"account": billing_id, "own": account_id},
)
st.subheader("Reading anomalies")
st.dataframe(anomalies, hide_index=True, width="stretch")
