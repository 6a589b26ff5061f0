"""A sensor that notices new or changed files in the landing folder and ingests them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from dagster_project.resources import Landing
from ingestion.loader import landed_files
from ingestion.specs import FOLDERS

ingest_job = dg.define_asset_job(
    "ingest_landing",
    selection=dg.AssetSelection.groups("cis", "tariffs", "meter_reads", "bank"),
    description="Load every landing folder into the raw schema (already-loaded files are skipped).",
)


def folder_signatures(landing: Path) -> dict[str, str]:
    """A signature per landing folder from its files' names, sizes and modification times."""
    signatures = {}
    by_folder: dict[str, list[str]] = {}
    for folder, path in landed_files(landing, FOLDERS):
        stat = path.stat()
        by_folder.setdefault(folder, []).append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    for folder, entries in by_folder.items():
        signatures[folder] = hashlib.sha256("\n".join(entries).encode()).hexdigest()[:16]
    return signatures


@dg.sensor(job=ingest_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def landing_sensor(context: dg.SensorEvaluationContext, landing: Landing):
    """Request an ingest run when files appear or change in the landing folder."""
    previous = json.loads(context.cursor) if context.cursor else {}
    current = folder_signatures(landing.folder())
    changed = sorted(folder for folder, signature in current.items() if previous.get(folder) != signature)
    if not changed:
        return dg.SkipReason("no new or changed files in the landing folder")
    context.update_cursor(json.dumps(current))
    return dg.RunRequest(run_key=json.dumps(current, sort_keys=True), tags={"m2c/folders": ",".join(changed)})
