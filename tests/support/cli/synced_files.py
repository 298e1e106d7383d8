"""What a sync should leave behind, in the shapes the CLI tests compare: the simulator's
manifest entries and the files on disk."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any


def record_key(entry: dict[str, Any]) -> str:
    """The key of the record a sync saves for a manifest entry (as `verify` reports it)."""
    return f"{entry['org_id']}/{entry['batch_source']}:{entry['batch_id']}/{entry['file_id']}"


def hashes_on_disk(root: Path) -> Counter[str]:
    return Counter(
        hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    )
