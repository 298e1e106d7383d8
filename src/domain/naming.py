"""Where a file lands on disk: safe names, stable collision handling, never outside the root."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

from cpbatch.domain.extensions import split_extension
from cpbatch.domain.models import Batch, BatchFile, BatchSource

MAX_NAME_BYTES = 255
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u202a-\u202e\u2066-\u2069]')
_SPACES = re.compile(r"\s+")
_EXTENSIONS = {"image/jpeg": ".jpg", "text/plain": ".txt", "application/zip": ".zip"}
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def sanitize_name(raw: str, fallback: str = "untitled") -> str:
    """One path component: no separators or control characters, at most 255 UTF-8 bytes,
    extension kept, never '.', '..' or empty."""
    text = unicodedata.normalize("NFC", raw)
    text = _FORBIDDEN.sub("_", text)
    # Dots and spaces at the ends are dropped together, so no name can become '.' or '..'.
    text = _SPACES.sub(" ", text).strip(" .")
    if not text:
        text = fallback
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > 16 or " " in ext:
        stem, ext = text, ""
    if stem.lower() in _RESERVED:
        stem = f"_{stem}"
    return _fit(stem, f".{ext}" if ext else "")


def with_suffix_tag(name: str, tag: str) -> str:
    """'notes.pdf' + '42' -> 'notes (42).pdf', 'Chapter 3.1' + '42' -> 'Chapter 3.1 (42)',
    still within 255 bytes."""
    stem, ext = split_extension(name)
    return _fit(stem, f" ({tag})" + (f".{ext}" if ext else ""))


def with_extension(name: str, mime_type: str | None) -> str:
    """'Chapter 1 Notes' or 'Chapter 3.1' + application/pdf -> '… .pdf'; names that already end
    in a known extension, and unknown types, are left alone."""
    if split_extension(name)[1] or not mime_type:
        return name
    guessed = _EXTENSIONS.get(mime_type) or mimetypes.guess_extension(mime_type, strict=False)
    return _fit(name, guessed) if guessed else name


def batch_dir_name(batch: Batch) -> str:
    """Always carries the id, so one batch lands in the same folder whatever else is synced.
    The tag goes before any short dot suffix ('Class 10 (7).Physics'), as it always has: a new
    rule would move batches already synced to new folders."""
    tag = str(batch.id) if batch.source is BatchSource.COURSE else f"batch {batch.id}"
    name = sanitize_name(batch.name, fallback="batch")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16 or " " in ext:
        stem, ext = name, ""
    return _fit(stem, f" ({tag})" + (f".{ext}" if ext else ""))


def plan_relative_paths(files: Iterable[BatchFile]) -> dict[int, PurePosixPath]:
    """Relative path of each file of ONE batch: <org>/<batch>/<folders>/<name>.

    Names that clash in a folder (case-insensitively) are told apart by upstream id; the
    lowest id keeps the plain name, so the result is stable from one sync to the next.
    """
    by_folder: dict[tuple[str, ...], list[tuple[BatchFile, str]]] = {}
    spelling: dict[tuple[str, ...], str] = {}  # case-folded folder prefix -> its first spelling
    subfolders: dict[tuple[str, ...], set[str]] = {}  # folder -> case-folded child folder names
    for file in sorted(files, key=lambda f: f.id):
        folders: tuple[str, ...] = ()
        for part in file.folder_path:
            name = sanitize_name(part, fallback="folder")
            subfolders.setdefault(folders, set()).add(name.casefold())
            folders += (spelling.setdefault(_fold((*folders, name)), name),)
        name = with_extension(sanitize_name(file.name), file.mime_type)
        by_folder.setdefault(folders, []).append((file, name))
    planned: dict[int, PurePosixPath] = {}
    for folders, entries in by_folder.items():
        names = _distinct_names(entries, reserved=subfolders.get(folders, set()))
        for file, name in zip((f for f, _ in entries), names, strict=True):
            batch = file.batch
            planned[file.id] = PurePosixPath(
                sanitize_name(batch.org.code.value), batch_dir_name(batch), *folders, name
            )
    return planned


def _distinct_names(entries: list[tuple[BatchFile, str]], reserved: set[str]) -> list[str]:
    """First holder (lowest id) of each case-folded name keeps it; the others get their id as a
    tag, and a counter too if even that is taken by another file's own name. Names in
    `reserved` (sibling folders) belong to nobody, so a file never takes a folder's path."""
    holders: dict[str, int] = {}
    for file, name in entries:
        if name.casefold() not in reserved:
            holders.setdefault(name.casefold(), file.id)
    taken = set(holders) | reserved
    names = []
    for file, name in entries:
        if holders.get(name.casefold()) != file.id:
            candidate, attempt = with_suffix_tag(name, str(file.id)), 1
            while candidate.casefold() in taken:
                attempt += 1
                candidate = with_suffix_tag(name, f"{file.id}-{attempt}")
            name = candidate
            taken.add(name.casefold())
        names.append(name)
    return names


def _fold(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.casefold() for part in parts)


def _fit(stem: str, suffix: str) -> str:
    budget = MAX_NAME_BYTES - len(suffix.encode())
    if budget < 1:  # an absurd extension: drop it rather than the name
        suffix, budget = "", MAX_NAME_BYTES
    encoded = stem.encode()
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", errors="ignore").rstrip() or "_"
    return stem + suffix
