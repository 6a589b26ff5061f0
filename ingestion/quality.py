"""Great Expectations 1.x suites on the raw tables.

Each suite validates one query over a raw table (optionally one billing period's slice of it) and
returns a plain result, so Dagster asset checks and tests use the same code.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ingestion.specs import CURRENCIES, CUSTOMER_CLASSES


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    description: str
    query: str  # a SELECT over raw data; `{where}` is replaced by the period filter (or `true`)
    period_column: str | None  # the timestamp/date column a billing period slices on
    expectations: Callable[[dt.datetime], list[Any]]  # built at run time (some depend on "now")


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int
    unexpected_percent: float
    sample: list[Any] = field(default_factory=list)

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        sample = f", e.g. {self.sample[:3]}" if self.sample else ""
        return f"{self.expectation}{where}: {self.unexpected_count} rows ({self.unexpected_percent:.3f}%){sample}"


@dataclass
class SuiteResult:
    suite: str
    success: bool
    rows: int
    evaluated: int
    failures: list[Failure]

    def summary(self) -> str:
        if self.success:
            return f"{self.suite}: {self.evaluated} expectations passed on {self.rows:,} rows"
        return f"{self.suite}: " + "; ".join(f.describe() for f in self.failures)


def _readings_expectations(now: dt.datetime) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="meter_id"),
        gxe.ExpectColumnValuesToBeBetween(column="reading", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="read_at", max_value=now.isoformat(sep=" ")),
        # Unknown meters are billed as ORPHAN exceptions; more than 1% signals a broken registry export.
        gxe.ExpectColumnValuesToBeInSet(column="meter_known", value_set=[True], mostly=0.99),
    ]


def _payments_expectations(_: dt.datetime) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="payment_id"),
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, strict_min=True),
        gxe.ExpectColumnValuesToBeInSet(column="currency", value_set=list(CURRENCIES)),
        gxe.ExpectColumnValuesToBeInSet(column="entry_kind", value_set=["credit", "reversal"]),
    ]


def _accounts_expectations(_: dt.datetime) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="account_id"),
        gxe.ExpectColumnValuesToBeInSet(column="customer_class", value_set=list(CUSTOMER_CLASSES)),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="closed_on", column_B="opened_on", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
    ]


def _tariff_blocks_expectations(_: dt.datetime) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="to_units", column_B="from_units", ignore_row_if="either_value_is_missing"
        ),
        gxe.ExpectColumnValuesToBeBetween(column="unit_price", min_value=0),
    ]


_READINGS_QUERY = """
    select r.meter_id, r.reading, r.read_at, (m.meter_id is not null) as meter_known
    from raw.{table} as r
    left join (select distinct meter_id from raw.meters) as m on m.meter_id = r.meter_id
    where {{where}}
"""

SUITES = {
    suite.name: suite
    for suite in (
        Suite(
            "readings",
            "readings",
            "Readings: meter exists (>= 99%), read_at not in the future, reading >= 0.",
            _READINGS_QUERY.format(table="readings"),
            "r.read_at",
            _readings_expectations,
        ),
        Suite(
            "interval_readings",
            "interval_readings",
            "Interval readings: meter exists (>= 99%), read_at not in the future, reading >= 0.",
            _READINGS_QUERY.format(table="interval_readings"),
            "r.read_at",
            _readings_expectations,
        ),
        Suite(
            "payments",
            "payments",
            "Payments: unique payment_id, amount > 0, known currency, credit or reversal entries only.",
            "select payment_id, amount, currency, entry_kind, paid_at from raw.payments where {where}",
            "paid_at",
            _payments_expectations,
        ),
        Suite(
            "accounts",
            "accounts",
            "Accounts: id present, known customer class, closed_on not before opened_on.",
            "select account_id, customer_class, opened_on, closed_on from raw.accounts where {where}",
            None,
            _accounts_expectations,
        ),
        Suite(
            "tariff_blocks",
            "tariff_blocks",
            "Tariff blocks: upper bound above lower bound, prices not negative.",
            "select tariff_code, from_units, to_units, unit_price from raw.tariff_blocks where {where}",
            None,
            _tariff_blocks_expectations,
        ),
    )
}


def period_filter(suite: Suite, period: str | None) -> str:
    """SQL restricting a suite's query to one billing period (YYYY-MM), or everything."""
    if period is None or suite.period_column is None:
        return "true"
    first = dt.date.fromisoformat(f"{period}-01")
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return f"{suite.period_column} >= '{first}' and {suite.period_column} < '{following}'"


def run_suite(sqlalchemy_url: str, name: str, period: str | None = None, now: dt.datetime | None = None) -> SuiteResult:
    """Validate one suite with an ephemeral GX context against the database at `sqlalchemy_url`."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    suite_def = SUITES[name]
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_sql(name="m2c", connection_string=sqlalchemy_url)
    asset = source.add_query_asset(name=name, query=suite_def.query.format(where=period_filter(suite_def, period)))
    batch = asset.add_batch_definition_whole_table("whole").get_batch()
    suite = gx.ExpectationSuite(name=name)
    for expectation in suite_def.expectations(now or dt.datetime.now()):
        suite.add_expectation(expectation)
    result = batch.validate(suite)
    failures = []
    rows = 0
    for item in result.results:
        details = item.result or {}
        rows = max(rows, int(details.get("element_count") or 0))
        if not item.success:
            kwargs = item.expectation_config.kwargs
            failures.append(
                Failure(
                    item.expectation_config.type,
                    kwargs.get("column") or kwargs.get("column_A"),
                    int(details.get("unexpected_count") or 0),
                    float(details.get("unexpected_percent") or 0.0),
                    list(details.get("partial_unexpected_list") or [])[:5],
                )
            )
    return SuiteResult(name, bool(result.success), rows, len(result.results), failures)
