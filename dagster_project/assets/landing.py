"""What every landing-folder asset does: ingest its folder and report what happened."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from dagster_project.resources import Database, Landing, Policy
from ingestion.loader import FileResult, ingest_landing


def ingest_folder(
    context: dg.AssetExecutionContext, database: Database, landing: Landing, policy: Policy, *folders: str
) -> Iterator[dg.MaterializeResult]:
    with database.connect() as conn:
        results = ingest_landing(
            conn,
            landing.folder(),
            list(folders),
            quarantine=landing.quarantine_folder(),
            timezone_name=policy.load()["timezone"],
        )
    for result in results:
        if result.status == "quarantined":
            context.log.warning(f"quarantined {result.folder}/{result.file_name}: {result.reason}")
    for key in context.selected_asset_keys:
        yield dg.MaterializeResult(asset_key=key, metadata=file_metadata(results, key.path[-1]))


def file_metadata(results: list[FileResult], target: str) -> dict[str, dg.MetadataValue]:
    loaded = [(r, t) for r in results if r.status == "loaded" for t in r.targets if t.target == target]
    quarantined = [r for r in results if r.status == "quarantined"]
    lines = ["| file | status | read | loaded | rejected | read as |", "|---|---|---:|---:|---:|---|"]
    lines += [
        f"| {r.file_name} | loaded | {t.rows_read} | {t.rows_loaded} | {t.rows_rejected} | {t.dialect or ''} |"
        for r, t in loaded
    ]
    lines += [f"| {r.file_name} | quarantined: {r.reason} | | | | |" for r in quarantined]
    return {
        "files_loaded": dg.MetadataValue.int(len(loaded)),
        "files_skipped": dg.MetadataValue.int(sum(r.status == "skipped" for r in results)),
        "files_quarantined": dg.MetadataValue.int(len(quarantined)),
        "rows_loaded": dg.MetadataValue.int(sum(t.rows_loaded for _, t in loaded)),
        "rows_rejected": dg.MetadataValue.int(sum(t.rows_rejected for _, t in loaded)),
        "files": dg.MetadataValue.md("\n".join(lines)),
    }
