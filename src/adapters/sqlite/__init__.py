"""The embedded metadata store on a local SQLite file."""

from cpbatch.adapters.sqlite.database import SqliteDatabase

__all__ = ["SqliteDatabase"]
