"""Who is reviewing: Streamlit's logged-in user when authentication is configured, else a name asked once."""

from __future__ import annotations

import streamlit as st


def logged_in_user() -> str | None:
    try:
        if st.user.is_logged_in:
            return st.user.get("email") or st.user.get("name")
    except (AttributeError, KeyError):
        return None
    return None


def reviewer() -> str | None:
    """The reviewer's name for decisions; asks for it in the sidebar once per browser session."""
    user = logged_in_user()
    if user:
        return user
    with st.sidebar:
        name = st.text_input("Reviewer name", key="reviewer", help="Recorded with every decision you save.")
    return name.strip() or None


def current() -> str | None:
    """The reviewer already identified in this run (the page called `reviewer()` to show the field)."""
    return logged_in_user() or (st.session_state.get("reviewer") or "").strip() or None
