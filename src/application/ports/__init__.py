"""The abstract ports the use cases depend on; adapters implement them."""

from cpbatch.application.ports.chat import Button, ChatPort, Keyboard, SentDocument, Upload
from cpbatch.application.ports.classplus import CoursePlatform, FileStream, OtpLogin
from cpbatch.application.ports.cli_login import LoginKeys, TokenFacts, TokenReader
from cpbatch.application.ports.credentials import (
    CredentialRepository,
    RemoteFileIdRepository,
    SecretCipher,
)
from cpbatch.application.ports.output import FileOutput, PartFile
from cpbatch.application.ports.progress import NullSyncProgress, SyncProgress
from cpbatch.application.ports.storage import (
    BlobStore,
    FileRecords,
    ListingCache,
    Placements,
    SyncHistory,
)

__all__ = [
    "BlobStore",
    "Button",
    "ChatPort",
    "CoursePlatform",
    "CredentialRepository",
    "FileOutput",
    "FileRecords",
    "FileStream",
    "Keyboard",
    "ListingCache",
    "LoginKeys",
    "NullSyncProgress",
    "OtpLogin",
    "PartFile",
    "Placements",
    "RemoteFileIdRepository",
    "SecretCipher",
    "SentDocument",
    "SyncHistory",
    "SyncProgress",
    "TokenFacts",
    "TokenReader",
    "Upload",
]
