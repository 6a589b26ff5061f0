"""The Definitions Dagster loads (workspace.yaml points here)."""

import dagster as dg

from core import settings
from dagster_project.assets import amr, bank, billing, bills, cis, exports, ledger, meter_reads, tariffs
from dagster_project.assets.dbt import dbt_billing_models, dbt_reference_models
from dagster_project.checks import raw_checks
from dagster_project.partitions import billing_periods
from dagster_project.resources import build_resources
from dagster_project.sensors import ingest_job, landing_sensor

settings.ensure_dagster_home()

reference_job = dg.define_asset_job(
    "build_reference_models",
    selection=dg.AssetSelection.assets(dbt_reference_models),
    description="Rebuild staging, current-version models and dimension marts from raw.",
)

bill_period_job = dg.define_asset_job(
    "bill_period",
    selection=dg.AssetSelection.assets(billing.billing_inputs, dbt_billing_models),
    partitions_def=billing_periods,
    description="Bill one period: the data-quality gate, then usage, VEE, charges and invoices.",
)

close_period_job = dg.define_asset_job(
    "close_period",
    selection=dg.AssetSelection.assets(billing.period_close, exports.ledger_workbook),
    partitions_def=billing_periods,
    description="Close one period: freeze its billing and ledger rows, store their checksum, export its ledger.",
)

collect_period_job = dg.define_asset_job(
    "collect_direct_debits",
    selection=dg.AssetSelection.assets(exports.direct_debit_collection),
    partitions_def=billing_periods,
    description="Write one billed period's SEPA direct debit collection file (pain.008).",
)

export_period_job = dg.define_asset_job(
    "export_period",
    selection=dg.AssetSelection.assets(exports.ledger_workbook),
    partitions_def=billing_periods,
    description="Write one period's finance exports (ledger workbook, journal and aging CSVs, manifest).",
)

render_bills_job = dg.define_asset_job(
    "render_bills",
    selection=dg.AssetSelection.assets(bills.customer_bills),
    partitions_def=billing_periods,
    description="Render one period's customer bills, dunning notices, print files and e-mails (nothing is sent).",
)

defs = dg.Definitions(
    assets=[
        *dg.load_assets_from_modules([cis, tariffs, meter_reads, bank]),
        *ledger.external_tables,
        billing.billing_inputs,
        billing.period_close,
        exports.ledger_workbook,
        exports.direct_debit_collection,
        bills.customer_bills,
        amr.amr_polls,
        dbt_reference_models,
        dbt_billing_models,
    ],
    asset_checks=raw_checks,
    jobs=[
        ingest_job,
        reference_job,
        bill_period_job,
        close_period_job,
        export_period_job,
        collect_period_job,
        render_bills_job,
        amr.poll_meters_job,
    ],
    schedules=[amr.amr_schedule],
    sensors=[landing_sensor],
    resources=build_resources(),
)
