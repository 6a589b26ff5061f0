"""Meter-to-Cash apps: one st.navigation entry point, executive analysis and exception review."""

import streamlit as st

from apps import data, filters

st.set_page_config(page_title="Meter-to-Cash", page_icon=":material/bolt:", layout="wide")

pages = {
    "Executive analysis": [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("app_pages/trends.py", title="Sales and usage", icon=":material/show_chart:"),
        st.Page("app_pages/arrears.py", title="Arrears and aging", icon=":material/hourglass_bottom:"),
        st.Page("app_pages/account.py", title="Account", icon=":material/person_search:"),
    ],
    "Exception review": [
        st.Page("app_pages/review_readings.py", title="Reading anomalies", icon=":material/speed:"),
        st.Page("app_pages/review_bills.py", title="Held bills", icon=":material/receipt_long:"),
        st.Page("app_pages/review_payments.py", title="Unapplied cash", icon=":material/payments:"),
        st.Page("app_pages/review_write_offs.py", title="Write-off candidates", icon=":material/money_off:"),
    ],
}
page = st.navigation(pages)
if not data.has_marts() or not data.periods():
    st.title("Meter-to-Cash")
    st.info("No billed periods yet: run `make demo` (or `m2c run --through YYYY-MM`) and reload.")
    st.stop()
st.session_state["filters"] = filters.sidebar()
page.run()
