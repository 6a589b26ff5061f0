"""Account drill-down: statement with running balance, invoices, payments, usage per service, anomalies.

Each section is one function taking the account, so other sections (a bill preview, a return reason) can be
added beside them."""

from decimal import Decimal

import pandas as pd
import streamlit as st
from plotly.subplots import make_subplots

from apps import data
from apps.bills import bill_viewer
from apps.components import downloads, money, running_balance, show_table


def find_account() -> pd.Series | None:
    """The account the user searched for and picked (None: nothing searched or found)."""
    search = st.text_input("Search an account (id or customer name)", key="account_search").strip()
    if not search:
        st.info("Type an account id (A0000001) or part of a customer's name.")
        return None
    matches = data.query(
        """select account_id, customer_name, customer_class, district, billing_account_id, payment_method,
                  mandate_id
           from marts.dim_accounts where account_id ilike :pattern or customer_name ilike :pattern
           order by account_id limit 50""",
        {"pattern": f"%{search}%"},
    )
    if matches.empty:
        st.warning(f"No account matches {search!r}.")
        return None
    labels = {row.account_id: f"{row.account_id} · {row.customer_name}" for row in matches.itertuples()}
    account_id = st.selectbox("Account", list(labels), format_func=labels.get, key="account_pick")
    account = matches.set_index("account_id").loc[account_id]
    account["account_id"] = account_id
    billing_id = account["billing_account_id"]
    mandate = account["mandate_id"] if isinstance(account["mandate_id"], str) else "missing: not collected"
    st.caption(
        f"{account['customer_class']} · district {account['district']}"
        + (f" · billed on {billing_id}'s invoice" if billing_id != account_id else "")
        + (f" · direct debit, mandate {mandate}" if account["payment_method"] == "direct_debit" else "")
    )
    return account


def statement(billing_id: str) -> None:
    movements = data.query(
        """select moved_on, movement_type, invoice_id, component, payment_id, amount, ar_amount, currency
           from marts.fct_ar_movements where account_id = :account
           order by moved_on, case movement_type when 'billed' then 1 when 'late_charge' then 2 else 3 end,
                    invoice_id, payment_id""",
        {"account": billing_id},
    )
    movements["balance"] = running_balance(movements["ar_amount"])
    currency = movements["currency"].iloc[0] if not movements.empty else ""
    st.subheader("Statement")
    st.metric("Balance", money(movements["balance"].iloc[-1] if not movements.empty else Decimal(0), currency))
    show_table(movements, key="statement")
    downloads(movements, f"statement_{billing_id}")


def invoices_and_payments(billing_id: str) -> pd.DataFrame:
    st.markdown("**Invoices**")
    invoices = data.query(
        """select invoice_id, period, bill_date, due_date, status, total_amount, late_charge_amount, currency,
                  review_reason
           from marts.fct_invoices where account_id = :account order by period desc""",
        {"account": billing_id},
    )
    show_table(invoices)
    st.markdown("**Payments**")
    payments = data.query(
        """select payment_id, paid_on, entry_kind, amount, currency, reference, match_method, status
           from marts.fct_payments where account_id = :account order by paid_on desc""",
        {"account": billing_id},
    )
    show_table(payments)
    return invoices


def returned_direct_debits(billing_id: str) -> None:
    """Returned or rejected direct debits (D84): a reversal names the collection it undoes, not the account."""
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
        show_table(returns)


def invoice_lines(billing_id: str, invoices: pd.DataFrame) -> None:
    with st.expander("Invoice lines"):
        invoice_id = st.selectbox("Invoice", invoices["invoice_id"].tolist(), key="account_invoice")
        lines = data.query(
            """select line_no, line_type, service, tariff_code, block_no, quantity, unit, unit_price, amount,
                      is_estimated, part_from, part_to, adjusts_period
               from marts.fct_invoice_lines where account_id = :account and invoice_id = :invoice
               order by line_no""",
            {"account": billing_id, "invoice": invoice_id},
        )
        show_table(lines)


def norm_trace(account_id: str) -> None:
    """Usage billed by norm on the account's unmetered service points (D95, D114): the norm, the residents
    or floor area it was multiplied by, and the tariff version that set it, per period and part."""
    rows = data.query(
        """select period, service_point_id, service, tariff_code, norm_version, norm_basis,
                  norm_quantity, norm_units, part_from, part_to, part_days, units, unit
           from marts.fct_norm_usage where account_id = :own
           order by period desc, service_point_id, part_from""",
        {"own": account_id},
    )
    if rows.empty:
        return
    st.subheader("Billed by norm (no meter)")
    st.caption("units = norm (per resident or m² and month) × residents or floor area × days / days in the month")
    rows["norm_basis"] = rows["norm_basis"].map({"resident": "residents", "area": "floor area (m²)"})
    show_table(rows.rename(columns={"norm_quantity": "residents_or_area"}), key="norm_trace")


def usage(billing_id: str, account_id: str) -> None:
    """Billed usage, one panel per service with its own unit (kWh, m³ and GJ never share an axis)."""
    history = data.numeric(
        data.query(
            """select period, service, min(unit) as unit, sum(quantity) as usage_units,
                      bool_or(is_estimated) as estimated
               from marts.fct_invoice_lines
               where account_id = :account and coalesce(contract_account_id, account_id) = :own
                 and line_type = 'energy'
               group by period, service order by period""",
            {"account": billing_id, "own": account_id},
        )
    )
    if history.empty:
        return
    history["read"] = history["estimated"].map({True: "estimated", False: "actual"})
    services = list(dict.fromkeys(history["service"]))
    figure = make_subplots(rows=len(services), cols=1, shared_xaxes=True, subplot_titles=services)
    colours = {"actual": "#1f4e78", "estimated": "#f0a30a"}
    for index, service in enumerate(services, start=1):
        rows = history[history["service"] == service]
        for read, part in rows.groupby("read"):
            figure.add_bar(
                x=part["period"],
                y=part["usage_units"],
                name=read,
                marker_color=colours[read],
                legendgroup=read,
                showlegend=index == 1,
                row=index,
                col=1,
            )
        figure.update_yaxes(title_text=f"{service} ({rows['unit'].iloc[0]})", row=index, col=1)
    figure.update_layout(
        title="Billed usage per service", barmode="stack", legend_title_text="Read", height=260 * len(services)
    )
    figure.update_xaxes(type="category", categoryorder="category ascending")
    figure.update_xaxes(title_text="Period", row=len(services), col=1)
    st.plotly_chart(figure, width="stretch", key=f"chart_usage_{account_id}")
    downloads(history, f"usage_{account_id}")


def anomalies(billing_id: str, account_id: str) -> None:
    rows = data.query(
        """select period, flag, meter_id, read_at, reading, units, reason, decision
           from marts.exc_reading_anomalies
           where service_point_id in (
               select distinct service_point_id from marts.fct_invoice_lines
               where account_id = :account and contract_account_id = :own and service_point_id is not null)
           order by period desc""",
        {"account": billing_id, "own": account_id},
    )
    st.subheader("Reading anomalies")
    show_table(rows)


st.title("Account")
account = find_account()
if account is None:
    st.stop()
statement(account["billing_account_id"])
invoices = invoices_and_payments(account["billing_account_id"])
returned_direct_debits(account["billing_account_id"])
bill_viewer(invoices)
invoice_lines(account["billing_account_id"], invoices)
usage(account["billing_account_id"], account["account_id"])
norm_trace(account["account_id"])
anomalies(account["billing_account_id"], account["account_id"])
