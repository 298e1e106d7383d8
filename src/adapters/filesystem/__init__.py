"""Content-addressed blob storage on a local filesystem."""

from adapters.filesystem.blob_store import FilesystemBlobStore

__all__ = ["FilesystemBlobStore"]
