"""Benchmarks: printed tables and saved JSON, measured on this machine."""
