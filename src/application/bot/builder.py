"""Building the conversation from the application's parts: for composition roots and tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from cpbatch.application.blob_cache import TieredBlobStore
from cpbatch.application.bot.conversation import BotConversation
from cpbatch.application.bot.settings import BotPolicy
from cpbatch.application.bot.use_cases import BotUseCases
from cpbatch.application.fetching import FileFetcher
from cpbatch.application.listings import ListingService
from cpbatch.application.ports import (
    ChatPort,
    ClassPlusGateway,
    CredentialRepository,
    MetadataRepository,
    RemoteFileIdRepository,
    SecretCipher,
)


def build_conversation(
    *,
    chat: ChatPort,
    gateway: ClassPlusGateway,
    listings: ListingService,
    blobs: TieredBlobStore,
    repository: MetadataRepository,
    fetcher: FileFetcher,
    credentials: CredentialRepository,
    cipher: SecretCipher,
    remote_ids: RemoteFileIdRepository,
    policy: BotPolicy,
    work_dir: Path,
    clock: Callable[[], float] = time.monotonic,
) -> BotConversation:
    """A BotConversation whose use cases share one listing service, blob store and fetcher."""
    return BotConversation(
        chat=chat,
        use_cases=BotUseCases.over(gateway, listings, blobs, repository, fetcher),
        gateway=gateway,
        blobs=blobs,
        repository=repository,
        credentials=credentials,
        cipher=cipher,
        remote_ids=remote_ids,
        policy=policy,
        work_dir=work_dir,
        clock=clock,
    )
