"""Shared parts of the review queues: the queue's period, picking a row, and saving a decision."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from apps import data, identity


def queue_period(table: str) -> str | None:
    """The period whose queue is shown: the latest one in the table unless the user picks another."""
    periods = data.query(f"select distinct period from marts.{table} order by period desc")["period"].tolist()
    if not periods:
        return None
    return st.selectbox("Period", periods, key=f"period_{table}")


SHOWN_ROWS = 500


def pick(queue: pd.DataFrame, key: str, label: str) -> pd.Series:
    """Show (the first rows of) the queue and let the reviewer pick one row of it."""
    if len(queue) > SHOWN_ROWS:
        st.caption(f"Showing the first {SHOWN_ROWS:,}; narrow the queue to see the rest.")
        queue = queue.head(SHOWN_ROWS)
    st.dataframe(queue, hide_index=True, width="stretch")
    index = st.selectbox(
        label, range(len(queue)), format_func=lambda i: " · ".join(str(v) for v in queue.iloc[i, :3]), key=key
    )
    return queue.iloc[index]


def choice_form(name: str, actions: dict[str, str]) -> tuple[str, str, bool]:
    """A decision form: one of `actions` (value -> label) and a reason; returns (action, reason, submitted)."""
    with st.form(f"{name}_decision"):
        action = st.radio("Decision", list(actions), horizontal=True, key=f"{name}_action", format_func=actions.get)
        reason = st.text_input("Reason", key=f"{name}_reason")
        submitted = st.form_submit_button("Save decision")
    return action, reason, submitted


def save(sql: str, params: dict, done: str) -> bool:
    """Insert a decision with the reviewer's name; decisions are never updated, the latest one applies."""
    reviewer = identity.current()
    if not reviewer:
        st.error("Enter your name in the sidebar first: every decision records who made it.")
        return False
    if not str(params.get("reason", "")).strip():
        st.error("Give a reason: it is kept with the decision.")
        return False
    data.execute(sql, {**params, "reviewer": reviewer})
    st.success(f"{done} by {reviewer}. The next billing run applies it.")
    return True
