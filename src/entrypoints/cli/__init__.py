"""The `cpbatch` command line."""
