"""How big the files of a listing are, as far as anyone knows. ClassPlus's listings give no
sizes, so a size is known from the listing when it has one, else from the record of an earlier
download of the same version of the file."""

from __future__ import annotations

from collections.abc import Sequence

from cpbatch.application.ports import FileRecords
from cpbatch.domain.models import BatchFile


async def known_sizes(repository: FileRecords, files: Sequence[BatchFile]) -> dict[int, int]:
    """File id -> size in bytes, for the files whose size is known (one repository read)."""
    sizes = {file.id: file.size for file in files if file.size is not None}
    unlisted = [file for file in files if file.size is None]
    if not unlisted:
        return sizes
    records = await repository.get_records([file.record_key for file in unlisted])
    for file in unlisted:
        record = records.get(file.record_key)
        if record is not None and record.matches(file):
            sizes[file.id] = record.size
    return sizes
