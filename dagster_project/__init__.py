"""Dagster definitions for Meter-to-Cash."""
