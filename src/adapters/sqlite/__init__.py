"""Metadata (file records, listing cache, sync runs) in a local SQLite database."""

from cpbatch.adapters.sqlite.repository import SqliteMetadataRepository

__all__ = ["SqliteMetadataRepository"]
