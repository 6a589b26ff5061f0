"""The bottom layer: settings, the database, the policy, the control tables, period close and how dbt is run.

Nothing here imports from ingestion, exports, dagster_project, devtools or the CLI (tests/test_layers.py).
"""
