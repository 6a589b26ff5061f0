"""Filters shared by every page (period range, service, customer class, district), kept in session state."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from apps import data


@dataclass(frozen=True)
class Filters:
    first: str
    last: str
    services: tuple[str, ...]
    classes: tuple[str, ...]
    districts: tuple[str, ...]

    def where(
        self,
        service: str | None = "service",
        customer_class: str | None = "customer_class",
        district: str | None = "district",
        period: str = "period",
    ) -> tuple[str, dict]:
        """A SQL condition on the given columns (None: the table has no such column) and its parameters."""
        clauses = [f"{period} between :first and :last"]
        params: dict = {"first": self.first, "last": self.last}
        for column, values, name in (
            (service, self.services, "services"),
            (customer_class, self.classes, "classes"),
            (district, self.districts, "districts"),
        ):
            if column and values:
                clauses.append(f"{column} = any(:{name})")
                params[name] = list(values)
        return " and ".join(clauses), params


def options(column: str) -> list[str]:
    return data.query(f"select distinct {column} from marts.agg_sales_monthly order by 1")[column].tolist()


def sidebar() -> Filters:
    periods = data.periods()
    with st.sidebar:
        st.header("Filters")
        first, last = (
            st.select_slider(
                "Periods", options=periods, value=(periods[max(0, len(periods) - 12)], periods[-1]), key="f_periods"
            )
            if len(periods) > 1
            else (periods[0], periods[0])
        )
        services = st.multiselect("Service", options("service"), key="f_services", placeholder="All services")
        classes = st.multiselect("Customer class", options("customer_class"), key="f_classes", placeholder="All")
        districts = st.multiselect("District", options("district"), key="f_districts", placeholder="All")
    return Filters(first, last, tuple(services), tuple(classes), tuple(districts))


def current() -> Filters:
    return st.session_state["filters"]
