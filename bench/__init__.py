"""Benchmarks (`python -m bench`): throughput and memory, each against a baseline run alongside."""
