"""Parsing what users type to pick a batch: '123', 'course:123' or 'batch:45'."""

from __future__ import annotations

from dataclasses import dataclass

from cpbatch.domain.errors import BatchFileNotFoundError, ValidationError
from cpbatch.domain.identifiers import parse_id
from cpbatch.domain.models import Batch, BatchSource


@dataclass(frozen=True, slots=True)
class BatchSelector:
    id: int
    source: BatchSource | None = None

    @classmethod
    def parse(cls, raw: object) -> BatchSelector:
        if isinstance(raw, str) and ":" in raw:
            prefix, _, rest = raw.partition(":")
            try:
                source = BatchSource(prefix.strip().lower())
            except ValueError:
                raise ValidationError(
                    f"Unknown batch kind {prefix!r}: use 'course:ID', 'batch:ID' or just the ID."
                ) from None
            return cls(parse_id(rest, "batch id"), source)
        return cls(parse_id(raw, "batch id"))

    @classmethod
    def coerce(cls, raw: BatchSelector | object | None) -> BatchSelector | None:
        """None stays None (no batch chosen); a selector as is; anything else is parsed."""
        if raw is None or isinstance(raw, BatchSelector):
            return raw
        return cls.parse(raw)

    def __str__(self) -> str:
        """'123', or 'course:123' / 'batch:45' when the kind is given."""
        return f"{self.source.value}:{self.id}" if self.source else str(self.id)

    def pick(self, batches: tuple[Batch, ...] | list[Batch]) -> Batch:
        matches = [b for b in batches if b.id == self.id and self.source in (None, b.source)]
        if not matches:
            raise BatchFileNotFoundError(
                f"Batch {self.id} is not among the batches your account can open in this org."
            )
        if len(matches) > 1:
            raise ValidationError(
                f"Both a course and a batch have id {self.id}: say 'course:{self.id}' "
                f"or 'batch:{self.id}'."
            )
        return matches[0]
