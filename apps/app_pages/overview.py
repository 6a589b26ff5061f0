"""Overview: the period's key figures (as on the ledger workbook's cover) against the previous period and the
same period last year, and billed revenue by service."""

import pandas as pd
import plotly.express as px
import streamlit as st

from apps import data, filters, kpis
from apps.components import chart, shift, show_table


def key_figure_tiles(now: kpis.Figures, previous: kpis.Figures | None, last_year: kpis.Figures | None) -> None:
    columns = st.columns(3)  # wide enough for "1,234,567.89 EUR"
    for index, (label, _) in enumerate(kpis.FIGURES):
        value = now.values.get(label)
        delta = kpis.change(label, value, previous.values.get(label) if previous else None)
        yearly = kpis.change(label, value, last_year.values.get(label) if last_year else None)
        help_text = f"Same period last year: {last_year.shown(label) if last_year else '–'}"
        if label == "Held for review (not issued)":
            help_text = f"{now.held_invoices:,} bills held for review; not in revenue or receivables until released."
        columns[index % 3].metric(
            label,
            now.shown(label),
            delta=f"{delta} vs previous" if delta else None,
            delta_color="inverse" if label in kpis.LOWER_IS_BETTER else "normal",
            help=help_text + (f" ({yearly} year over year)" if yearly and not label.startswith("Held") else ""),
        )


def comparison_table(figures: dict[str, kpis.Figures], compared: list[str]) -> pd.DataFrame:
    names = ["this period", "previous period", "same period last year"]
    return pd.DataFrame(
        {
            "figure": [label for label, _ in kpis.FIGURES],
            **{
                f"{name} ({p})": [figures[p].shown(label) if p in figures else "–" for label, _ in kpis.FIGURES]
                for name, p in zip(names, compared, strict=True)
            },
        }
    )


def revenue_by_service(selected: filters.Filters, currency: str) -> None:
    where, params = selected.where()
    trend = data.numeric(
        data.query(
            f"""select period, service, sum(revenue_amount) as revenue from marts.agg_sales_monthly
                where {where} group by period, service order by period, service""",
            params,
        )
    )
    figure = px.bar(
        trend,
        x="period",
        y="revenue",
        color="service",
        title="Billed revenue by service (excl. taxes; filters apply)",
        labels={"period": "Period", "revenue": f"Revenue ({currency})", "service": "Service"},
    )
    chart(figure, trend, "revenue_by_service")


def ledger_workbook(period: str) -> None:
    workbook = data.exports_file(period)
    if workbook:
        st.download_button(f"Ledger workbook {period}", workbook.read_bytes(), workbook.name, key="ledger_workbook")
        return
    st.caption(f"No ledger workbook for {period} yet: closing the period writes it.")
    if st.button(f"Export {period} now (provisional while open)", key="export_now"):
        from exports.period import export_period

        export_period(period, url=data.database_url())
        st.rerun()


selected = filters.current()
period = selected.last
compared = [period, shift(period, -1), shift(period, -12)]
closed = data.closed_periods()
st.title(f"Overview · {period}")
st.caption(
    ("Closed period. " if period in closed else "Open period: figures change until it is closed. ")
    + "The key figures are the whole utility's, as on the ledger workbook's cover; the filters apply to the chart."
)
figures = kpis.key_figures(compared)
if period not in figures:
    st.info(f"No figures for {period}.")
    st.stop()
now = figures[period]
key_figure_tiles(now, figures.get(compared[1]), figures.get(compared[2]))
comparison = comparison_table(figures, compared)
show_table(comparison)
st.download_button(
    "Key figures (CSV)", comparison.to_csv(index=False).encode(), f"overview_{period}.csv", key="csv_overview"
)
revenue_by_service(selected, now.currency)
ledger_workbook(period)
