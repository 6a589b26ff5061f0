"""The Definitions Dagster loads (workspace.yaml points here)."""

import dagster as dg

from dagster_project.assets import bank, cis, ledger, meter_reads, tariffs
from dagster_project.assets.dbt import dbt_reference_models
from dagster_project.checks import raw_checks
from dagster_project.resources import build_resources
from dagster_project.sensors import ingest_job, landing_sensor
from m2c import settings

settings.ensure_dagster_home()

reference_job = dg.define_asset_job(
    "build_reference_models",
    selection=dg.AssetSelection.assets(dbt_reference_models),
    description="Rebuild staging, current-version models and dimension marts from raw.",
)

defs = dg.Definitions(
    assets=[
        *dg.load_assets_from_modules([cis, tariffs, meter_reads, bank]),
        ledger.load_ledger,
        ledger.rejects,
        dbt_reference_models,
    ],
    asset_checks=raw_checks,
    jobs=[ingest_job, reference_job],
    sensors=[landing_sensor],
    resources=build_resources(),
)
