"""Meter-to-Cash: meter readings to cash, as tested SQL."""
