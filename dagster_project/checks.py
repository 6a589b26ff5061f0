"""Great Expectations suites on the raw tables, as Dagster asset checks."""

import dagster as dg

from core import db
from dagster_project.resources import Database
from ingestion.quality import SUITES, SuiteResult, run_suite


def check_result(result: SuiteResult, check_name: str | None = None) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=result.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=result.summary(),
        metadata={
            "rows": dg.MetadataValue.int(result.rows),
            "expectations": dg.MetadataValue.int(result.evaluated),
            "failures": dg.MetadataValue.md("\n".join(f"- {f.describe()}" for f in result.failures) or "none"),
        },
    )


def gx_raw_check(suite_name: str) -> dg.AssetChecksDefinition:
    suite = SUITES[suite_name]

    @dg.asset_check(asset=dg.AssetKey(["raw", suite.table]), name=f"gx_{suite.name}", description=suite.description)
    def raw_table_check(database: Database) -> dg.AssetCheckResult:
        return check_result(run_suite(db.sqlalchemy_url(database.resolved_url()), suite.name))

    return raw_table_check


raw_checks = [gx_raw_check(name) for name in SUITES]
