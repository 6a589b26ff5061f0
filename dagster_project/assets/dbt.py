"""dbt models (staging -> intermediate -> marts) as assets, grouped by domain; dbt tests become asset checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from core import db
from core.control import ensure_control_schemas
from core.dbt import BILLING_PERIOD_TAG, WITHOUT_UNIT_TESTS, dbt_args, domain
from dagster_project.assets.billing import BILLING_INPUTS
from dagster_project.manifest import manifest_path
from dagster_project.partitions import ONE_PERIOD_PER_RUN, billing_periods
from dagster_project.period_metadata import annotate_period_events, annotate_row_counts, is_closed, period_row_counter
from dagster_project.resources import Database, Policy


class DomainTranslator(DagsterDbtTranslator):
    """Groups models by their domain tag; billing-period models also wait for the period's data-quality gate."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest.get("nodes", {}).get(unique_id, {})
        if node.get("resource_type") == "model" and BILLING_PERIOD_TAG in node.get("tags", []):
            spec = spec.merge_attributes(deps=[BILLING_INPUTS])
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return domain(dbt_resource_props.get("tags", [])) or super().get_group_name(dbt_resource_props)


def prepare_database(database: Database) -> None:
    """Export the connection for dbt's profile and create the control tables dbt reads as sources."""
    url = database.resolved_url()
    with db.connect(url) as conn:
        ensure_control_schemas(conn)
    db.export_dbt_env(url)


@dbt_assets(
    manifest=manifest_path(),
    exclude=f"tag:{BILLING_PERIOD_TAG}",
    dagster_dbt_translator=DomainTranslator(),
    name="dbt_reference_models",
)
def dbt_reference_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, database: Database, policy: Policy):
    """Staging views, current-version models and dimension marts, rebuilt from raw."""
    prepare_database(database)
    args = dbt_args("build", *WITHOUT_UNIT_TESTS, policy=policy.load(), locations=False)
    invocation = dbt.cli(args, context=context)
    with database.connect() as conn:
        conn.autocommit = True
        yield from annotate_row_counts(
            invocation.stream(), nodes=invocation.manifest.get("nodes", {}), count_rows=period_row_counter(conn, None)
        )


@dbt_assets(
    manifest=manifest_path(),
    select=f"tag:{BILLING_PERIOD_TAG}",
    partitions_def=billing_periods,
    backfill_policy=ONE_PERIOD_PER_RUN,
    dagster_dbt_translator=DomainTranslator(),
    name="dbt_billing_models",
)
def dbt_billing_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, database: Database, policy: Policy):
    """Usage, VEE, charges and invoices of one billing period (the partition, passed as --vars period).

    Each materialisation carries the period's row count and whether the period is closed; each check
    result names its period (D116, D117).
    """
    prepare_database(database)
    period = context.partition_key
    args = dbt_args("build", *WITHOUT_UNIT_TESTS, policy=policy.load(), period=period, locations=False)
    invocation = dbt.cli(args, context=context)
    with database.connect() as conn:
        conn.autocommit = True
        yield from annotate_period_events(
            invocation.stream(),
            period=period,
            closed=is_closed(conn, period),
            nodes=invocation.manifest.get("nodes", {}),
            count_rows=period_row_counter(conn, period),
        )
