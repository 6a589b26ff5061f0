"""Tables written outside the asset graph's own steps, which dbt reads as sources."""

import dagster as dg


def external_table(schema: str, table: str, group: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec([schema, table], group_name=group, kinds={"postgres"}, description=description)


external_tables = [
    external_table(
        "raw",
        "load_ledger",
        "ingestion",
        "One row per landed file and target: hash, status, rows read/loaded/rejected.",
    ),
    external_table(
        "raw", "rejects", "ingestion", "Every rejected landed row with its file, row number, raw values and reason."
    ),
    external_table(
        "review",
        "reading_decisions",
        "review",
        "Reviewers' decisions on reads (accept, replace, estimate, exclude), written by the review app.",
    ),
    external_table(
        "review",
        "bill_decisions",
        "review",
        "Reviewers' decisions on held invoices (release, hold), written by the review app.",
    ),
    external_table(
        "review",
        "payment_assignments",
        "review",
        "Reviewers' assignments of unapplied cash to accounts, written by the review app.",
    ),
    external_table(
        "review",
        "write_off_decisions",
        "review",
        "Reviewers' decisions on write-off candidates (approve, reject), written by the review app.",
    ),
    external_table(
        "billing",
        "closed_periods",
        "billing",
        "Closed periods and their checksums, written by `m2c close` and the close_period job.",
    ),
]
