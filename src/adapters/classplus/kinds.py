"""What kind of file a document item or attachment is: by `format`, then extension.

API doc 4.6/5: `format` is "pdf" or "document" in samples; the URL (or file name) extension
is the next best hint; anything unrecognised is a document.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from cpbatch.domain.models import FileKind

_IMAGE = frozenset({
    "jpg", "jpeg", "png", "gif", "webp", "bmp", "svg", "heic", "heif", "tif", "tiff",
})  # fmt: skip
_OTHER = frozenset({
    "zip", "rar", "7z", "tar", "gz",
    "mp3", "m4a", "wav", "ogg", "aac", "flac", "opus", "amr",
    "mp4", "mkv", "webm", "mov", "apk", "exe",
})  # fmt: skip
_DOCUMENT = frozenset({
    "pdf", "doc", "docx", "ppt", "pptx", "pps", "ppsx", "xls", "xlsx", "csv", "txt", "rtf",
    "odt", "odp", "ods", "epub", "html", "htm", "md",
})  # fmt: skip
# Format words that name a kind outright; generic ones ("document", "file") defer to the
# extension, since a "document" may well be a .zip or a .png.
_FORMAT_WORDS = {
    "image": FileKind.IMAGE,
    "img": FileKind.IMAGE,
    "photo": FileKind.IMAGE,
    "audio": FileKind.OTHER,
    "archive": FileKind.OTHER,
}
_EXTRA_MIME = {
    "md": "text/markdown",
    "heic": "image/heic",
    "heif": "image/heif",
    "opus": "audio/opus",
    "amr": "audio/amr",
    "7z": "application/x-7z-compressed",
}


def classify_document(
    format_: str | None, url: str | None, name: str | None
) -> tuple[FileKind, str | None]:
    """(kind, mime type) of a downloadable item. Never raises."""
    fmt = (format_ or "").strip().lower().lstrip(".")
    ext = fmt if _kind_of_extension(fmt) else None
    ext = ext or _extension(url_path(url)) or _extension(name)
    kind = _FORMAT_WORDS.get(fmt) or _kind_of_extension(ext or "") or FileKind.DOCUMENT
    return kind, mime_for(ext)


def mime_for(ext: str | None) -> str | None:
    if not ext:
        return None
    return _EXTRA_MIME.get(ext) or mimetypes.guess_type(f"file.{ext}", strict=False)[0]


def url_path(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).path
    except ValueError:
        return None


def _extension(path_or_name: str | None) -> str | None:
    if not path_or_name:
        return None
    suffix = PurePosixPath(path_or_name).suffix.lower().lstrip(".")
    return suffix if suffix and _kind_of_extension(suffix) else None


def _kind_of_extension(ext: str) -> FileKind | None:
    if ext in _IMAGE:
        return FileKind.IMAGE
    if ext in _OTHER:
        return FileKind.OTHER
    if ext in _DOCUMENT:
        return FileKind.DOCUMENT
    return None
