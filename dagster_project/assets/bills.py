"""Customer bills per period: after the bill run, every issued invoice rendered to PDF (exports.bills)."""

import dagster as dg

from dagster_project.partitions import ONE_PERIOD_PER_RUN, billing_periods
from dagster_project.resources import Database
from exports.bills.batch import render_period

BILL_MARTS = ("fct_invoices", "fct_invoice_lines", "fct_bill_meter_reads", "fct_ar_movements", "fct_dunning_stages")


@dg.asset(
    key=["exports", "customer_bills"],
    group_name="exports",
    partitions_def=billing_periods,
    backfill_policy=ONE_PERIOD_PER_RUN,
    deps=[dg.AssetKey(["marts", name]) for name in BILL_MARTS],
    kinds={"pdf"},
)
def customer_bills(context: dg.AssetExecutionContext, database: Database) -> dg.MaterializeResult:
    """The period's bills, dunning notices, print files and e-mails under $M2C_HOME/bills/<period>/."""
    result = render_period(context.partition_key, url=database.resolved_url())
    for reason, count in result.no_qr.items():
        context.log.warning(f"{count} bills without a QR code: {reason}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(result.folder)),
            "bills": dg.MetadataValue.int(result.bills),
            "dunning_notices": dg.MetadataValue.int(result.notices),
            "emails": dg.MetadataValue.int(result.emails),
            "pages": dg.MetadataValue.int(result.pages),
            "bills_per_second": dg.MetadataValue.float(round(result.bills_per_second, 1)),
        }
    )
