"""Unit tests: domain and use cases against the in-memory fakes in `fakes.py`.

Having a conftest here puts tests/unit on sys.path (pytest's default "prepend" import mode),
so test modules import the fakes as `from fakes import ...`.
"""
