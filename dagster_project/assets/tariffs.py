"""Finance's tariff workbook: versions, inclining blocks and further charges."""

import dagster as dg

from dagster_project.assets.landing import ingest_folder
from dagster_project.resources import Database, Landing, Policy


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", "tariff_versions"],
            group_name="tariffs",
            kinds={"postgres", "xlsx"},
            description="Tariff versions (sheet `versions`) landed in tariffs/.",
        ),
        dg.AssetSpec(
            ["raw", "tariff_blocks"],
            group_name="tariffs",
            kinds={"postgres", "xlsx"},
            description="Inclining-block prices (sheet `blocks`) landed in tariffs/.",
        ),
        dg.AssetSpec(
            ["raw", "tariff_charges"],
            group_name="tariffs",
            kinds={"postgres", "xlsx"},
            description="Riders, standing and percent charges (optional sheet `charges`) landed in tariffs/.",
        ),
    ],
)
def tariff_workbook(context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy):
    """The tariff workbook (or versions/blocks/charges CSVs) landed in tariffs/."""
    yield from ingest_folder(context, database, landing, policy, "tariffs")
