"""The loader's own bookkeeping tables, written alongside every landing asset."""

import dagster as dg

load_ledger = dg.AssetSpec(
    ["raw", "load_ledger"],
    group_name="ingestion",
    kinds={"postgres"},
    description="One row per landed file and target: hash, status, rows read/loaded/rejected.",
)
rejects = dg.AssetSpec(
    ["raw", "rejects"],
    group_name="ingestion",
    kinds={"postgres"},
    description="Every rejected landed row with its file, row number, raw values and reason.",
)
