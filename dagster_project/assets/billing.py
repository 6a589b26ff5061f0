"""Billing periods: the data-quality gate before billing, and closing a period."""

import dagster as dg

from core import closing, db
from dagster_project.checks import check_result
from dagster_project.partitions import ONE_PERIOD_PER_RUN, billing_periods
from dagster_project.resources import Database
from ingestion.quality import SUITES, run_suite

BILLING_INPUTS = dg.AssetKey(["billing", "inputs"])
PERIOD_CLOSE = dg.AssetKey(["billing", "period_close"])
GATE_SUITES = ("readings", "interval_readings", "payments")


@dg.asset(
    key=BILLING_INPUTS,
    group_name="billing",
    partitions_def=billing_periods,
    backfill_policy=ONE_PERIOD_PER_RUN,
    deps=[dg.AssetKey(["raw", name]) for name in ("readings", "interval_readings", "payments", "meters")],
    kinds={"postgres", "great_expectations"},
    check_specs=[
        dg.AssetCheckSpec(
            f"gx_{name}_in_period",
            asset=BILLING_INPUTS,
            blocking=True,
            description=f"Blocking: {SUITES[name].description}",
        )
        for name in GATE_SUITES
    ],
)
def billing_inputs(context: dg.AssetExecutionContext, database: Database):
    """The period's readings and payments, validated by blocking checks before the period is billed."""
    period = context.partition_key
    url = db.sqlalchemy_url(database.resolved_url())
    results = [run_suite(url, name, period=period) for name in GATE_SUITES]
    yield dg.MaterializeResult(
        metadata={f"{r.suite}_rows": dg.MetadataValue.int(r.rows) for r in results}
        | {"period": dg.MetadataValue.text(period)}
    )
    for result in results:
        yield check_result(result, check_name=f"gx_{result.suite}_in_period")


def closed_periods_markdown(periods: list[str]) -> str:
    """The closed periods (YYYY-MM) as a Markdown list, newest first; "none" when there are none."""
    return "\n".join(f"- {period} (closed)" for period in reversed(periods)) or "none"


@dg.asset(
    key=PERIOD_CLOSE,
    group_name="billing",
    partitions_def=billing_periods,
    backfill_policy=ONE_PERIOD_PER_RUN,
    deps=[
        dg.AssetKey(["marts", name])
        for name in ("fct_invoices", "fct_invoice_lines", "fct_payment_allocations", "fct_gl_journal")
    ],
    kinds={"postgres"},
)
def period_close(context: dg.AssetExecutionContext, database: Database) -> dg.MaterializeResult:
    """Close the period: freeze its invoices, lines, allocations and journal and store their checksum.

    The materialisation is the period's "closed" mark in the UI (D117): `closed: true`, and every
    closed period so far, those closed with `m2c close` included.
    """
    with database.connect() as conn:
        closed = closing.close_period(conn, context.partition_key, closed_by="dagster")
        periods = sorted(closing.closed_periods(conn))
    return dg.MaterializeResult(
        metadata={
            "closed": dg.MetadataValue.bool(True),
            "closed_periods": dg.MetadataValue.md(closed_periods_markdown(periods)),
            "checksum": dg.MetadataValue.text(closed.checksum),
            "invoices": dg.MetadataValue.int(closed.invoices),
            "invoice_lines": dg.MetadataValue.int(closed.invoice_lines),
            "total_amount": dg.MetadataValue.text(str(closed.total_amount)),
        }
    )
