"""What the simulator promises (its manifest) against what arrived in the chat: each document
saved and hashed, its name and sha256 compared with the manifest's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from support.telegram_e2e.chat import BotChat, Message

Entry = dict[str, Any]


class Manifest:
    """The simulator's manifest of one org, as seen by its first user (the admin's login)."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)

    def below(self, batch_id: int, folder: Sequence[str]) -> list[Entry]:
        """Every downloadable file in `folder` of a batch and in the folders below it."""
        depth = len(folder)
        return [
            e
            for e in self.entries
            if e["batch_id"] == batch_id and tuple(e["folder_path"][:depth]) == tuple(folder)
        ]

    def file(self, batch_id: int, folder: Sequence[str], name: str) -> Entry:
        found = [
            e
            for e in self.entries
            if e["batch_id"] == batch_id
            and tuple(e["folder_path"]) == tuple(folder)
            and e["name"] == name
        ]
        if len(found) != 1:
            raise LookupError(f"{len(found)} manifest entries for {name!r} in {folder}")
        return found[0]


def is_document(message: Message) -> bool:
    return getattr(message, "document", None) is not None


async def receive_documents(
    chat: BotChat, after: int, expected: Sequence[Entry], timeout_s: float
) -> list[Message]:
    """Wait for exactly the documents of `expected` (after message `after`), save each one and
    check that every (name, size, sha256) equals the manifest's; the documents, in order."""
    documents = await chat.wait_for(after, len(expected), timeout_s, match=is_document)
    got: Counter[tuple[str, int, str]] = Counter()
    for message in documents:
        sha256 = await chat.sha256_of(message)
        got[(message.document.file_name, message.document.file_size, sha256)] += 1
    wanted = Counter((e["name"], e["size"], e["sha256"]) for e in expected)
    assert got == wanted, f"received {sorted(got)}, the manifest says {sorted(wanted)}"
    return documents
