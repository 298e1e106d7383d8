"""Which name endings are file extensions.

Known extensions are Python's own mimetypes table (its built-in one, not this machine's
/etc/mime.types, so every install names files alike) plus the formats ClassPlus serves. Any
other dot suffix is part of the name: 'Chapter 3.1', 'Notes v1.2' and 'Class 10.Physics' end
in no extension, so a PDF of that name is saved as 'Chapter 3.1.pdf'.
"""

from __future__ import annotations

import mimetypes
from functools import cache

# Formats seen on ClassPlus's file hosts (API doc section 5) and common study material.
CLASSPLUS_FORMATS = frozenset({
    "pdf", "doc", "docx", "ppt", "pptx", "pps", "ppsx", "xls", "xlsx", "csv", "txt", "rtf",
    "odt", "odp", "ods", "epub", "html", "htm", "md",
    "jpg", "jpeg", "png", "gif", "webp", "bmp", "svg", "heic", "heif", "tif", "tiff",
    "zip", "rar", "7z", "tar", "gz",
    "mp3", "m4a", "wav", "ogg", "aac", "flac", "opus", "amr", "mp4", "mkv", "webm", "mov",
    "apk", "exe",
})  # fmt: skip


@cache
def known_extensions() -> frozenset[str]:
    """Lower-case, without the dot. Built on first use (no work at import time)."""
    table = mimetypes.MimeTypes()  # built-in types only: no file names given
    builtin = {*table.types_map[True], *table.types_map[False]}
    return frozenset(ext.lstrip(".").lower() for ext in builtin) | CLASSPLUS_FORMATS


def split_extension(name: str) -> tuple[str, str]:
    """('notes', 'pdf') for 'notes.pdf'; (name, '') when the name ends in no known extension
    (the extension keeps its spelling: 'Notes.PDF' -> ('Notes', 'PDF'))."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext.lower() in known_extensions():
        return stem, ext
    return name, ""
