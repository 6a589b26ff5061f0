"""Arrears and aging: buckets over time, the arrears trend, accounts per dunning stage and the top debtors."""

import plotly.express as px
import streamlit as st

from apps import data, filters
from apps.components import chart, downloads, show_table
from core import vocabularies

BUCKETS = {bucket.column: bucket.name for bucket in vocabularies.aging_buckets()}
STAGES = vocabularies.dunning_stages()

selected = filters.current()
st.title("Arrears and aging")
where, params = selected.where(service=None)
monthly = data.numeric(
    data.query(
        f"""select period, {", ".join(f"sum({c}) as {c}" for c in BUCKETS)},
                   sum(closing_ar_amount) as closing_ar, sum(over_90_days_amount) as over_90_days,
                   sum(collected_amount) as collected, sum(accounts_in_arrears) as accounts_in_arrears,
                   {", ".join(f"sum({s}_accounts) as {s}" for s in STAGES)}
            from marts.agg_receivables_monthly where {where} group by period order by period""",
        params,
    )
)
if monthly.empty:
    st.info("No receivables in the selected periods.")
    st.stop()

aging = monthly.melt(id_vars="period", value_vars=list(BUCKETS), var_name="bucket", value_name="open_amount")
aging["bucket"] = aging["bucket"].map(BUCKETS)
CURRENCY = data.scalar("select min(currency) from marts.agg_receivables_monthly") or ""
# Current to 365+: a gradient from calm to alarming, one colour per bucket in age order.
STEPS = [0.15 + 0.85 * i / max(1, len(BUCKETS) - 1) for i in range(len(BUCKETS))]
GRADIENT = px.colors.sample_colorscale("YlOrRd", STEPS)
chart(
    px.bar(
        aging,
        x="period",
        y="open_amount",
        color="bucket",
        title="Receivables by age at each period end",
        category_orders={"bucket": list(BUCKETS.values())},
        color_discrete_sequence=GRADIENT,
        labels={"period": "Period", "open_amount": f"Open receivables ({CURRENCY})", "bucket": "Age"},
    ),
    aging,
    "aging_over_time",
)

trend = monthly[["period", "closing_ar", "over_90_days", "collected", "accounts_in_arrears"]]
TREND_WORDS = {"closing_ar": "Receivables at period end", "over_90_days": "Over 90 days", "collected": "Collected"}
trend_figure = px.line(
    trend.rename(columns=TREND_WORDS),
    x="period",
    y=list(TREND_WORDS.values()),
    markers=True,
    title="Arrears trend",
    labels={"period": "Period", "value": f"Amount ({CURRENCY})", "variable": "Figure"},
)
chart(trend_figure, trend, "arrears_trend")

last = monthly.iloc[-1]
stages = monthly[["period", *STAGES]].tail(1).melt(id_vars="period", var_name="stage", value_name="accounts")
stages["stage"] = stages["stage"].str.replace("_", " ").str.capitalize()
figure = px.bar(
    stages,
    x="accounts",
    y="stage",
    orientation="h",
    title=f"Accounts per dunning stage at {last['period']}",
    labels={"accounts": "Accounts", "stage": "Dunning stage"},
    category_orders={"stage": list(stages["stage"])},
    text="accounts",
)
chart(figure, stages, "dunning_stages")

st.subheader(f"Top debtors at {selected.last}")
debtor_where, debtor_params = selected.where(
    service=None, customer_class="a.customer_class", district="a.district", period="d.period"
)
debtor_where = debtor_where.replace("d.period between :first and :last", "d.period = :last")
debtors = data.query(
    f"""select d.account_id, a.customer_name, a.customer_class, a.district, d.open_amount, d.overdue_amount,
               d.days_past_due, d.dunning_stage, d.currency
        from marts.fct_dunning_stages as d left join marts.dim_accounts as a on d.account_id = a.account_id
        where {debtor_where} and d.overdue_amount > 0
        order by d.overdue_amount desc limit 20""",
    debtor_params,
)
show_table(debtors)
downloads(debtors, "top_debtors")
