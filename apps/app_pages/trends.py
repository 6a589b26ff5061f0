"""Sales and usage by month: by service, customer class, district or tariff, and year over year."""

import plotly.express as px
import streamlit as st

from apps import data, filters
from apps.components import chart, downloads, show_table

selected = filters.current()
st.title("Sales and usage")
dimension = st.radio(
    "Split by",
    ["service", "customer_class", "district", "tariff_code"],
    horizontal=True,
    key="trend_dimension",
    format_func=lambda name: name.replace("_", " ").replace("code", "").strip().capitalize(),
)
where, params = selected.where()
sales = data.numeric(
    data.query(
        f"""select period, {dimension}, sum(revenue_amount) as revenue, sum(billed_amount) as billed_incl_taxes
            from marts.agg_sales_monthly where {where} and tariff_code <> 'taxes'
            group by period, {dimension} order by period, {dimension}""",
        params,
    )
)
WORDS = {"service": "Service", "customer_class": "Customer class", "district": "District", "tariff_code": "Tariff"}
CURRENCY = data.scalar("select min(currency) from marts.agg_sales_monthly") or ""
chart(
    px.bar(
        sales,
        x="period",
        y="revenue",
        color=dimension,
        title=f"Billed revenue by {WORDS[dimension].lower()} (excl. taxes)",
        labels={"period": "Period", "revenue": f"Revenue ({CURRENCY})", dimension: WORDS[dimension]},
    ),
    sales,
    f"revenue_by_{dimension}",
)

usage = data.numeric(
    data.query(
        f"""select period, service, min(unit) as unit, sum(usage_units) as usage_units
            from marts.agg_sales_monthly where {where} and tariff_code <> 'taxes'
            group by period, service order by period, service""",
        params,
    )
)
# One panel per service, each on its own axis with its unit: kWh, m³ and GJ never share an axis.
usage["service"] = usage["service"] + " (" + usage["unit"] + ")"
figure = px.line(
    usage,
    x="period",
    y="usage_units",
    facet_row="service",
    markers=True,
    title="Billed usage by service",
    labels={"period": "Period", "usage_units": "Usage"},
    height=240 * max(1, usage["service"].nunique()),
)
figure.update_yaxes(matches=None, title_text="")
figure.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
figure.update_layout(showlegend=False)
chart(figure, usage, "usage_by_service")

yearly_where, yearly_params = selected.where(period="period")
yearly_where = yearly_where.replace("period between :first and :last", "true")
yoy = data.numeric(
    data.query(
        f"""select substr(period, 1, 4) as year, substr(period, 6, 2) as month, sum(revenue_amount) as revenue
            from marts.agg_sales_monthly where {yearly_where}
            group by 1, 2 order by 1, 2""",
        yearly_params,
    )
)
yoy_figure = px.line(
    yoy,
    x="month",
    y="revenue",
    color="year",
    markers=True,
    title="Billed revenue, year over year",
    labels={"month": "Month", "revenue": f"Revenue ({CURRENCY})", "year": "Year"},
)
yoy_figure.update_xaxes(type="category", categoryorder="category ascending")
chart(yoy_figure, yoy, "revenue_year_over_year")

st.subheader("Billed by tariff component")
# Per component (D113): a tariff's further charges by their charge code (riders, funds, wastewater), the
# other lines by type (energy, basic, fixed, levy, VAT, the total's rounding); exact amounts, not floats.
components = data.query(
    f"""select tariff_code, component, line_type, currency, sum(billed_amount) as billed_amount,
               sum(line_count) as lines
        from marts.agg_sales_components_monthly where {where}
        group by tariff_code, component, line_type, currency order by tariff_code, component, currency""",
    params,
)
show_table(components, key="sales_components")
downloads(components, "billed_by_component")

st.subheader("Tariff components")
tariffs = data.query("select distinct tariff_code from marts.dim_tariffs order by 1")["tariff_code"].tolist()
if tariffs:
    tariff = st.selectbox("Tariff", tariffs, key="trend_tariff")
    st.caption("Versions: the version's rounding, total rounding and norm; further charges below (billing-rules §9).")
    show_table(
        data.query(
            """select effective_from, effective_to, service, currency, fixed_charge, minimum_charge, vat_rate,
                      levy_rate, rounding_mode, total_rounding_unit, norm_basis, norm_units
               from marts.dim_tariffs where tariff_code = :tariff order by effective_from""",
            {"tariff": tariff},
        ),
        key="tariff_versions",
    )
    show_table(
        data.query(
            """select effective_from, charge_code, description, basis, rate, units_factor, is_vat_base,
                      rounding_mode, rounding_unit
               from marts.dim_tariff_charges where tariff_code = :tariff order by effective_from, charge_code""",
            {"tariff": tariff},
        ),
        key="tariff_charges",
    )
