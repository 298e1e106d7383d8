"""The abstract ports the use cases depend on; adapters implement them."""

from application.ports.classplus import ClassPlusGateway, FileStream
from application.ports.progress import NullSyncProgress, SyncProgress
from application.ports.storage import BlobStore, MetadataRepository

__all__ = [
    "BlobStore",
    "ClassPlusGateway",
    "FileStream",
    "MetadataRepository",
    "NullSyncProgress",
    "SyncProgress",
]
