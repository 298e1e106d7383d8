"""The abstract ports the use cases depend on; adapters implement them."""

from cpbatch.application.ports.chat import Button, ChatPort, Keyboard, SentDocument, Upload
from cpbatch.application.ports.classplus import ClassPlusGateway, FileStream
from cpbatch.application.ports.credentials import (
    CredentialRepository,
    RemoteFileIdRepository,
    SecretCipher,
)
from cpbatch.application.ports.progress import NullSyncProgress, SyncProgress
from cpbatch.application.ports.storage import BlobStore, MetadataRepository

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
