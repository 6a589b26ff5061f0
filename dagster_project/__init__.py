"""Dagster definitions for Meter-to-Cash: assets, checks, jobs, sensor and resources (workspace.yaml)."""
