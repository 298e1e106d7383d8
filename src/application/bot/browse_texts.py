"""What the bot says while browsing: batch pages, folder screens and button labels."""

from __future__ import annotations

from cpbatch.domain.models import Org
from cpbatch.domain.sizes import format_bytes

PREV = "◀ Prev"
NEXT = "Next ▶"
UP = "⬆ Up"
BACK = "⬅ Back to batches"
EMPTY_FOLDER = "This folder is empty."
SIZES_NOT_GIVEN = (
    "ℹ️ ClassPlus doesn't say how big its files are: a file's size shows here once I've fetched it."
)


def no_batches(org: Org) -> str:
    code = org.code.value
    return (
        f"🏫 {org.name}\nYour account has no batches in this organization: courses you buy or "
        "join in its ClassPlus app show up here. If they are on another mobile number, send "
        f"/logout {code}, then /login {code} with that number."
    )


def no_login_for(org: Org, logged_in_to: list[str]) -> str:
    """/getbatches for an org the user holds no login for (perhaps only for other orgs)."""
    code = org.code.value
    if not logged_in_to:
        return (
            f"🏫 {org.name}\nYou're not logged in to it yet, so I can't list your batches.\n"
            f"Send /login {code} (or /token {code}) first."
        )
    return (
        f"🏫 {org.name}\nI see no batches of yours here: you're logged in to "
        f"{', '.join(sorted(logged_in_to))}, and a ClassPlus login opens only the organization "
        f"it was made for.\nTo see your batches here, send /login {code} (or /token {code}) with "
        f"the account registered with {org.name}."
    )


def page_counter(page: int, pages: int) -> str:
    return f"Page {page + 1} of {pages}"


def batches_header(org: Org, count: int) -> str:
    plural = "batch" if count == 1 else "batches"
    return f"🏫 {org.name}\n✅ Found {count} {plural}. Tap one to browse its files."


def folder_header(
    org_code: str,
    batch_name: str,
    batch_key: str,
    folder: tuple[str, ...],
    folders: int,
    files: int,
) -> str:
    where = "/" + "/".join(folder)
    return (
        f"📚 {batch_name}\n📁 {where} · {folders} folder{'s' * (folders != 1)}, "
        f"{files} file{'s' * (files != 1)}\n"
        f"Tap a file to receive it. Everything at once: /sync {org_code} {batch_key}"
    )


def download_all(count: int, known_bytes: int, unknown: int) -> str:
    """`known_bytes` is the total of the files whose size is known; `unknown` counts the rest."""
    files = f"{count} file{'s' * (count != 1)}"
    if unknown == count:
        return f"⬇ Download all ({files})"
    total = format_bytes(known_bytes)
    return f"⬇ Download all ({files}, {'at least ' * (unknown > 0)}{total})"


def batch_button(name: str, files: int | None, expired: bool = False) -> str:
    if expired:
        return f"⛔ {_short(name)} · access expired"
    return f"📚 {_short(name)}" + (f" ({files})" if files is not None else "")


def folder_button(name: str, files: int) -> str:
    return f"📁 {_short(name)} ({files})"


def file_button(name: str, size: int | None, downloadable: bool, video: bool) -> str:
    if downloadable:
        return f"📄 {_short(name)}" + (f" · {format_bytes(size)}" if size is not None else "")
    return f"{'🎬' if video else '🚫'} {_short(name)} · not downloadable"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
