"""Checks that read what a person (or an operator) sees: size labels that tell the truth, and
a log with no secret in it. Findings never quote a secret: it is shown as <ITS NAME>."""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

_SIZE_LABEL = re.compile(r"(\d+(?:\.(\d+))?)\s?(B|kB|KB|MB|GB|KiB|MiB|GiB)\b")
_UNITS = {
    "B": 1,
    "kB": 1000,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "KiB": 1024,
    "MiB": 1024**2,
    "GiB": 1024**3,
}
# A ClassPlus token (a JWT), whoever minted it: the one an OTP login returns is never seen
# by the harness, so its shape is looked for too.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_JWT_BYTES = re.compile(_JWT.pattern.encode())
_MARGIN = 1200  # bytes read either side of a finding: a whole token and then some


def size_labels(text: str) -> list[str]:
    return [m.group(0) for m in _SIZE_LABEL.finditer(text)]


def label_means(label: str, size: int) -> bool:
    """True if `label` ("58.6 KiB", "60.0 kB", "512 B") is `size` bytes, rounded as shown.
    Units without an i are decimal (1 MB = 1,000,000 bytes), as the SI and every disk say."""
    match = _SIZE_LABEL.fullmatch(label)
    if match is None:
        return False
    decimals = len(match.group(2) or "")
    unit = _UNITS[match.group(3)]
    tolerance = 0.5 * 10**-decimals * unit + 1e-9
    return bool(abs(float(match.group(1)) * unit - size) <= tolerance)


def tells_size(text: str, size: int) -> bool:
    """The text shows `size` truthfully in at least one of its size labels."""
    return any(label_means(label, size) for label in size_labels(text))


def _masked(text: str, secrets: Mapping[str, str]) -> str:
    for name, value in secrets.items():
        text = text.replace(value, f"<{name}>")
    return _JWT.sub("<TOKEN-SHAPED>", text)


def _excerpt(log: mmap.mmap, at: int, mark: str, secrets: Mapping[str, str]) -> str:
    """~240 characters around byte `at`, every secret in them shown as <ITS NAME>."""
    window = log[max(0, at - _MARGIN) : at + _MARGIN].decode("utf-8", errors="replace")
    window = _masked(window, secrets)
    centre = max(0, window.find(mark))
    return window[max(0, centre - 80) : centre + 160].replace("\n", " ").strip()


def _positions(log: mmap.mmap, value: bytes) -> Iterator[int]:
    """Where `value` is in the log; a one-time code counts only as a whole number."""
    at = log.find(value)
    while at >= 0:
        before = log[at - 1 : at] if at else b""
        after = log[at + len(value) : at + len(value) + 1]
        if not value.isdigit() or not (before.isdigit() or after.isdigit()):
            yield at
        at = log.find(value, at + 1)


def secrets_in_log(path: Path, secrets: Mapping[str, str]) -> list[str]:
    """Where any of `secrets` (name -> value), or any ClassPlus-token-shaped string, is in
    the log file: one finding per occurrence, with an excerpt in which secrets are masked.
    Searched in place (mmap): a DEBUG log of a big upload runs to gigabytes."""
    findings = []
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as log:
        for name, value in secrets.items():
            for at in _positions(log, value.encode()):
                findings.append(f"{name}: {_excerpt(log, at, f'<{name}>', secrets)}")
        for match in _JWT_BYTES.finditer(log):
            excerpt = _excerpt(log, match.start(), "<TOKEN-SHAPED>", secrets)
            findings.append(f"a token-shaped string: {excerpt}")
    return findings
