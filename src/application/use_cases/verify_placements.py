"""VerifyPlacements: the files syncs wrote into the user's folders, against what they were when
written. A report, not a repair: a file the user removed comes back with the next sync, and one
that changed (edited, or damaged: its bytes cannot tell) is left to the user, as sync leaves it;
`cpbatch sync --force` writes every file again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cpbatch.application.logs import get_logger
from cpbatch.application.ports import FileOutput, Placements
from cpbatch.domain.errors import StorageError

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PlacementReport:
    checked: int
    bytes_hashed: int
    missing: tuple[str, ...]  # paths: no file there any more
    changed: tuple[str, ...]  # paths: another size or other bytes than when written

    @property
    def intact(self) -> bool:
        return not self.missing and not self.changed


class VerifyPlacements:
    def __init__(self, placements: Placements, output: FileOutput) -> None:
        self._placements = placements
        self._output = output

    async def execute(self) -> PlacementReport:
        checked = hashed = 0
        missing: list[str] = []
        changed: list[str] = []
        async for placement in self._placements.placements():
            checked += 1
            try:
                found = await self._output.fingerprint(Path(placement.path))
            except StorageError as error:  # a link or a folder there now, no permission...
                log.info("verify_placed_file_unreadable", path=placement.path, reason=str(error))
                changed.append(placement.path)
                continue
            if found is None:
                missing.append(placement.path)
                continue
            size, sha256 = found
            hashed += size
            record = placement.record
            if (size, sha256) != (record.size, record.sha256):
                log.info("verify_placed_file_changed", path=placement.path)
                changed.append(placement.path)
        return PlacementReport(checked, hashed, tuple(missing), tuple(changed))
