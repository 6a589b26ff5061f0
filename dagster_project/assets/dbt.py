"""dbt models (staging -> intermediate -> marts) as assets; dbt tests become asset checks."""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project.manifest import manifest_path
from dagster_project.resources import Database, Policy
from m2c import db


class LayerTranslator(DagsterDbtTranslator):
    """Groups models by layer (staging, intermediate, marts) as the dbt project is laid out."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)


@dbt_assets(manifest=manifest_path(), dagster_dbt_translator=LayerTranslator(), name="dbt_reference_models")
def dbt_reference_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, database: Database, policy: Policy):
    """Staging views, current-version models and dimension marts, rebuilt from raw."""
    db.export_dbt_env(database.resolved_url())
    variables = {"policy": policy.load()}
    yield from dbt.cli(["build", "--vars", json.dumps(variables)], context=context).stream()
