"""Streamlit apps: executive analysis and exception review over the marts (`m2c apps`)."""
