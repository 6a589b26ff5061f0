"""Finance exports per period: the ledger workbook, GL journal and aging CSVs, and their manifest."""

import dagster as dg

from dagster_project.assets.billing import PERIOD_CLOSE
from dagster_project.partitions import ONE_PERIOD_PER_RUN, billing_periods
from dagster_project.resources import Database, Exports
from exports.direct_debit import collect_period
from exports.period import export_period

LEDGER_MARTS = (
    "fct_gl_journal",
    "rpt_trial_balance",
    "rpt_ar_subledger",
    "rpt_ar_aging",
    "fct_invoices",
    "fct_payments",
    "exc_unapplied_payments",
)


@dg.asset(
    key=["exports", "ledger_workbook"],
    group_name="exports",
    partitions_def=billing_periods,
    backfill_policy=ONE_PERIOD_PER_RUN,
    deps=[PERIOD_CLOSE, *(dg.AssetKey(["marts", name]) for name in LEDGER_MARTS)],
    kinds={"excel", "csv"},
)
def ledger_workbook(context: dg.AssetExecutionContext, database: Database, exports: Exports) -> dg.MaterializeResult:
    """The period's ledger workbook, GL journal CSV, aging CSV and manifest under exports/<period>/."""
    result = export_period(context.partition_key, url=database.resolved_url(), out_dir=exports.folder())
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(result.folder)),
            "content_sha256": dg.MetadataValue.text(result.content_sha256),
            **{name: dg.MetadataValue.int(sheet.rows) for name, sheet in result.sheets.items()},
            **{label: dg.MetadataValue.text(str(value)) for label, value in result.control_totals.items()},
        }
    )


@dg.asset(
    key=["exports", "direct_debit_collection"],
    group_name="exports",
    partitions_def=billing_periods,
    backfill_policy=ONE_PERIOD_PER_RUN,
    deps=[dg.AssetKey(["marts", "fct_invoices"]), dg.AssetKey(["marts", "dim_accounts"])],
    kinds={"xml"},
)
def direct_debit_collection(
    context: dg.AssetExecutionContext, database: Database, exports: Exports
) -> dg.MaterializeResult:
    """The period's SEPA direct debit file (pain.008.001.08) under exports/<period>/collections/ (D86)."""
    result = collect_period(context.partition_key, url=database.resolved_url(), out_dir=exports.folder())
    for account_id, invoice_id, reason in result.skipped[:50]:
        context.log.warning(f"not collected: {account_id} {invoice_id}: {reason}")
    return dg.MaterializeResult(
        metadata={
            "file": dg.MetadataValue.path(str(result.path) if result.path else "(none)"),
            "collections": dg.MetadataValue.int(len(result.collections)),
            "total": dg.MetadataValue.text(str(result.total)),
            "not_collected": dg.MetadataValue.int(len(result.skipped)),
        }
    )
