"""Which files of a batch listing a subscriber has not had yet, and why: new (no version of
the file reached them) or updated (another version did). Pure: the delivery log's entries in,
the files to send out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cpbatch.domain.models import BatchFile
from cpbatch.domain.watch import Change, Delivery

MAX_ATTEMPTS = 3  # sends of one (user, file, version) before it is given up as failed


@dataclass(frozen=True, slots=True)
class Due:
    file: BatchFile
    change: Change
    # Every attempt was interrupted before it could settle (a crash, a store that failed):
    # it is given up as failed, and the subscriber told, instead of tried again.
    exhausted: bool = False


def due_files(files: Iterable[BatchFile], entries: Sequence[Delivery]) -> list[Due]:
    """The downloadable files whose listed version is not settled in the log (a pending entry,
    a send not confirmed, counts as not had; one pending after MAX_ATTEMPTS is `exhausted`),
    in folder and name order."""
    by_file: dict[int, dict[str, Delivery]] = {}
    for logged in entries:
        by_file.setdefault(logged.file_id, {})[logged.version] = logged
    due: list[Due] = []
    for file in files:
        if not file.downloadable:
            continue
        versions = by_file.get(file.id, {})
        entry = versions.get(file.version)
        if entry is not None and entry.state.settled:
            continue
        exhausted = entry is not None and entry.attempts >= MAX_ATTEMPTS
        others = [v for v in versions.values() if v.version != file.version]
        due.append(Due(file, Change.UPDATED if others else Change.NEW, exhausted))
    return sorted(due, key=lambda d: (d.file.folder_path, d.file.name.casefold(), d.file.id))
