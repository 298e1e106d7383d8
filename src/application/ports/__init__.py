"""The abstract ports the use cases depend on; adapters implement them."""

from application.ports.chat import Button, ChatPort, Keyboard, SentDocument, Upload
from application.ports.classplus import ClassPlusGateway, FileStream
from application.ports.credentials import (
    CredentialRepository,
    RemoteFileIdRepository,
    SecretCipher,
)
from application.ports.progress import NullSyncProgress, SyncProgress
from application.ports.storage import BlobStore, MetadataRepository

__all__ = [
    "BlobStore",
    "Button",
    "ChatPort",
    "ClassPlusGateway",
    "CredentialRepository",
    "FileStream",
    "Keyboard",
    "MetadataRepository",
    "NullSyncProgress",
    "RemoteFileIdRepository",
    "SecretCipher",
    "SentDocument",
    "SyncProgress",
    "Upload",
]
