"""What the storage fixtures hand to the contract suites, beside the port itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from cpbatch.application.ports.credentials import CredentialRepository, RemoteFileIdRepository
from cpbatch.application.ports.storage import BlobStore, MetadataRepository


@dataclass
class BlobStoreKit:
    store: BlobStore
    leftovers: Callable[[], list[str]]
    """What a failed or cancelled put must not leave behind (temp files, orphan chunks)."""


@dataclass
class MetadataKit:
    open: Callable[[], Awaitable[MetadataRepository]]
    """A new handle on the same underlying store (to test that data persists)."""
    opened: list[MetadataRepository] = field(default_factory=list)


@dataclass
class CredentialKit:
    open: Callable[[], Awaitable[CredentialRepository]]
    """A new handle on the same underlying store (to test that data persists)."""
    at_rest: Callable[[], bytes]
    """Every byte the store keeps on disk (or on its server) right now, to grep for secrets."""


@dataclass
class RemoteFileIdKit:
    open: Callable[[], Awaitable[RemoteFileIdRepository]]
    """A new handle on the same underlying store (to test that data persists)."""
