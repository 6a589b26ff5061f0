"""Small building blocks: charts with their data downloadable, money formatting, period arithmetic."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import streamlit as st


def downloads(frame: pd.DataFrame, name: str) -> None:
    """CSV and Excel downloads of the data behind a chart or table."""
    left, right = st.columns(2)
    left.download_button("Data (CSV)", frame.to_csv(index=False).encode(), f"{name}.csv", "text/csv", key=f"csv_{name}")
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=name[:31])
    right.download_button(
        "Data (Excel)",
        buffer.getvalue(),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
    )


def chart(figure, frame: pd.DataFrame, name: str) -> None:
    st.plotly_chart(figure, width="stretch", key=f"chart_{name}")
    downloads(frame, name)


def money(value: object, currency: str = "") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{Decimal(str(value)):,.2f} {currency}".strip()


def shift(period: str, months: int) -> str:
    year, month = map(int, period.split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
