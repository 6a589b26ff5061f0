"""Overview: the period's key figures against the previous period and the same period last year."""

import calendar

import pandas as pd
import plotly.express as px
import streamlit as st

from apps import data, filters
from apps.components import chart, downloads, money, shift

selected = filters.current()
period = selected.last
compared = [period, shift(period, -1), shift(period, -12)]
st.title(f"Overview · {period}")
st.caption("Service, class and district filters apply; receivables are per account, so the service filter does not.")

sales_where, sales_params = selected.where()
sales_where = sales_where.replace("period between :first and :last", "period = any(:periods)")
sales = data.query(
    f"""select period, sum(revenue_amount) as revenue, min(currency) as currency
        from marts.agg_sales_monthly where {sales_where} group by period""",
    {**sales_params, "periods": compared},
)
ar_where, ar_params = selected.where(service=None)
ar_where = ar_where.replace("period between :first and :last", "period = any(:periods)")
receivables = data.query(
    f"""select period, sum(opening_ar_amount) as opening_ar, sum(billed_amount) as billed_ar,
               sum(collected_amount) as collected, sum(closing_ar_amount) as closing_ar,
               sum(over_90_days_amount) as over_90
        from marts.agg_receivables_monthly where {ar_where} group by period""",
    {**ar_params, "periods": compared},
)
accounts_where, accounts_params = selected.where(
    service=None, customer_class="a.customer_class", district="a.district", period="i.period"
)
accounts_where = accounts_where.replace("i.period between :first and :last", "i.period = any(:periods)")
active = data.query(
    f"""select i.period, count(*) as active_accounts
        from marts.fct_invoices as i join marts.dim_accounts as a on i.account_id = a.account_id
        where i.status = 'issued' and {accounts_where} group by i.period""",
    {**accounts_params, "periods": compared},
)

figures = pd.DataFrame({"period": compared}).merge(sales, how="left").merge(receivables, how="left")
figures = figures.merge(active, how="left").set_index("period")
currency = sales["currency"].dropna().iloc[0] if not sales["currency"].dropna().empty else ""


def kpis(p: str) -> dict[str, float | None]:
    row = figures.loc[p] if p in figures.index else None
    if row is None:
        return {}
    value = lambda name: None if pd.isna(row.get(name)) else float(row[name])  # noqa: E731
    days = calendar.monthrange(*map(int, p.split("-")))[1]
    opening, billed, closing = value("opening_ar"), value("billed_ar"), value("closing_ar")
    collected = value("collected")
    return {
        "Billed revenue": value("revenue"),
        "Collections": collected,
        "Collection rate": collected / opening if collected is not None and opening else None,
        "Days sales outstanding": closing / billed * days if closing is not None and billed else None,
        "Total AR": closing,
        "AR over 90 days": value("over_90"),
        "Active accounts": value("active_accounts"),
    }


now, previous, last_year = (kpis(p) for p in compared)


def shown(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    if name == "Collection rate":
        return f"{value:.1%}"
    if name == "Days sales outstanding":
        return f"{value:.1f} days"
    if name == "Active accounts":
        return f"{value:,.0f}"
    return money(round(value, 2), currency)


def change(value: float | None, base: float | None) -> str | None:
    if value is None or not base:
        return None
    return f"{(value - base) / abs(base):+.1%}"


columns = st.columns(4)
for index, name in enumerate(now):
    yoy = change(now[name], last_year.get(name))
    columns[index % 4].metric(
        name,
        shown(name, now[name]),
        delta=f"{change(now[name], previous.get(name))} vs previous" if change(now[name], previous.get(name)) else None,
        delta_color="inverse" if name in ("Days sales outstanding", "Total AR", "AR over 90 days") else "normal",
        help=f"Same period last year: {shown(name, last_year.get(name))}" + (f" ({yoy})" if yoy else ""),
    )

comparison = pd.DataFrame(
    {
        "figure": list(now),
        period: [shown(n, now[n]) for n in now],
        f"previous ({compared[1]})": [shown(n, previous.get(n)) for n in now],
        f"last year ({compared[2]})": [shown(n, last_year.get(n)) for n in now],
    }
)
st.dataframe(comparison, hide_index=True, width="stretch")
downloads(comparison, f"overview_{period}")

where, params = selected.where()
trend = data.numeric(
    data.query(
        f"""select period, service, sum(revenue_amount) as revenue from marts.agg_sales_monthly
            where {where} group by period, service order by period, service""",
        params,
    )
)
chart(
    px.bar(trend, x="period", y="revenue", color="service", title="Billed revenue by service"),
    trend,
    "revenue_by_service",
)

workbook = data.exports_file(period)
if workbook:
    st.download_button(f"Ledger workbook {period}", workbook.read_bytes(), workbook.name, key="ledger_workbook")
else:
    st.caption(f"No ledger workbook for {period} yet: closing the period writes it.")
    if st.button(f"Export {period} now (provisional while open)", key="export_now"):
        from exports.period import export_period

        export_period(period, url=data.database_url())
        st.rerun()
