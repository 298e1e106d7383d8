"""Hand-written in-memory fakes of every port. Each keeps its state in plain attributes so
tests can arrange and inspect it directly; `support.app` wires them into the real container."""

from support.fakes.basics import FakeClock, RecordingProgress, make_token
from support.fakes.bot import FakeCipher, InMemoryCredentialRepository, InMemoryRemoteFileIds
from support.fakes.classplus import FakeClassPlus, FakeFileStream
from support.fakes.storage import InMemoryBlobStore, InMemoryMetadata
from support.fakes.watch import (
    InMemoryDeliveryLog,
    InMemorySubscriptions,
    InMemoryWatchPreferences,
    InMemoryWatchSchedules,
)

__all__ = [
    "FakeCipher",
    "FakeClassPlus",
    "FakeClock",
    "FakeFileStream",
    "InMemoryBlobStore",
    "InMemoryCredentialRepository",
    "InMemoryDeliveryLog",
    "InMemoryMetadata",
    "InMemoryRemoteFileIds",
    "InMemorySubscriptions",
    "InMemoryWatchPreferences",
    "InMemoryWatchSchedules",
    "RecordingProgress",
    "make_token",
]
