"""Chaos checks of cpbatch: faults, crashes, bad input, secrets and load, in one table."""
