"""What `VerifyStore` found in the store, and what its repair did."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class CorruptBlob:
    """A record whose blob is stored but is not what the record says."""

    key: str  # the record's key
    sha256: str  # the blob the record points at
    found_sha256: str | None  # what its bytes hash to; None when they could not be read
    expected_size: int  # what the record says
    found_size: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class RepairSummary:
    """Exactly what a repair deleted; `failures` says what it could not delete and why."""

    records_deleted: int
    corrupt_blobs_deleted: int
    orphan_blobs_deleted: int
    failures: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """`blobs_checked`: distinct blobs that records point at, read whole and hashed."""

    store: str
    records_checked: int
    blobs_checked: int
    bytes_hashed: int
    missing: tuple[str, ...]  # keys of records whose blob is not stored
    corrupt: tuple[CorruptBlob, ...]
    orphan_blobs: tuple[str, ...]  # sha256 of blobs no record points at
    repaired: RepairSummary | None = None  # None unless a repair was asked for

    @property
    def problems(self) -> int:
        return len(self.missing) + len(self.corrupt) + len(self.orphan_blobs)

    @property
    def clean(self) -> bool:
        """Nothing was found wrong."""
        return self.problems == 0

    @property
    def ok(self) -> bool:
        """The store is consistent now: nothing was wrong, or the repair fixed all of it."""
        return self.clean or (self.repaired is not None and self.repaired.complete)

    def repaired_by(self, summary: RepairSummary) -> VerifyReport:
        return replace(self, repaired=summary)
