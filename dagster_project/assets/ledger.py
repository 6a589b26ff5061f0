"""Tables written outside the asset graph's own steps, which dbt reads as sources."""

import dagster as dg

external_tables = [
    dg.AssetSpec(
        ["raw", "load_ledger"],
        group_name="ingestion",
        kinds={"postgres"},
        description="One row per landed file and target: hash, status, rows read/loaded/rejected.",
    ),
    dg.AssetSpec(
        ["raw", "rejects"],
        group_name="ingestion",
        kinds={"postgres"},
        description="Every rejected landed row with its file, row number, raw values and reason.",
    ),
    dg.AssetSpec(
        ["review", "reading_decisions"],
        group_name="review",
        kinds={"postgres"},
        description="Reviewers' decisions on reads (accept, replace, estimate, exclude), written by the review app.",
    ),
    dg.AssetSpec(
        ["review", "bill_decisions"],
        group_name="review",
        kinds={"postgres"},
        description="Reviewers' decisions on held invoices (release, hold), written by the review app.",
    ),
    dg.AssetSpec(
        ["billing", "closed_periods"],
        group_name="billing",
        kinds={"postgres"},
        description="Closed periods and their checksums, written by `m2c close` and the close_period job.",
    ),
]
