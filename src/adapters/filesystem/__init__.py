"""Content-addressed blob storage on a local filesystem."""

from cpbatch.adapters.filesystem.blob_store import FilesystemBlobStore

__all__ = ["FilesystemBlobStore"]
