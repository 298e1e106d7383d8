"""What the bot says about files it sends: captions, results, split notes and job summaries."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cpbatch.domain.sizes import format_bytes

_PLAIN = re.compile(r"^[A-Za-z0-9._+-]+$")
MAX_LISTED_FAILURES = 20


def caption(name: str, size: int, batch_name: str) -> str:
    return f"📄 {name}\n{format_bytes(size)} · 📚 {batch_name}"


def part_caption(
    name: str, number: int, count: int, part_size: int, total: int, batch_name: str
) -> str:
    return (
        f"📄 {name} — part {number} of {count} ({format_bytes(part_size)})\n"
        f"{format_bytes(total)} in all · 📚 {batch_name}"
    )


def join_note(name: str, part_names: Sequence[str], max_part_size: int) -> str:
    glob = ".0*" if len(part_names) < 100 else ".[0-9]*"
    unix = f"cat {_sh(name)}{glob} > {_sh(name)}"
    if len(part_names) <= 10:
        windows = f"copy /b {'+'.join(_cmd(p) for p in part_names)} {_cmd(name)}"
    else:
        windows = f"copy /b {_cmd(name + '.*')} {_cmd(name)}"
    return (
        f"🧩 {name} is larger than Telegram's {format_bytes(max_part_size)} limit, so it came "
        f"in {len(part_names)} parts. Save them in one folder and join them:\n"
        f"• Linux/macOS: {unix}\n"
        f"• Windows: {windows}"
    )


def sent(name: str, size: int, parts: int, uploaded: bool) -> str:
    text = f"✅ Sent {name} ({format_bytes(size)})"
    if parts > 1:
        text += f" in {parts} parts"
    if not uploaded:
        text += " — Telegram already had it, nothing to upload"
    return text


UNEXPECTED_REASON = "an unexpected error on my side"
EMPTY_FILE = "the file is empty (0 bytes), and Telegram cannot send empty files."


def summary(
    title: str,
    sent: int,
    reused: int,
    skipped: int,
    failures: Sequence[tuple[str, str]],
    skipped_batches: Sequence[tuple[str, str]] = (),
) -> str:
    lines = [
        f"🏁 Done: {title}",
        f"📤 Sent: {sent}" + (f" ({reused} without re-uploading)" * (reused > 0)),
    ]
    if skipped:
        lines.append(f"⏭ Skipped: {skipped} not downloadable (videos, tests or locked items)")
    for name, reason in skipped_batches[:MAX_LISTED_FAILURES]:
        lines.append(f"⏭ {name} — {reason}")
    lines.append(f"❌ Failed: {len(failures)}" if failures else "❌ Failed: none")
    for name, reason in failures[:MAX_LISTED_FAILURES]:
        lines.append(f"• {name} — {_clip(reason)}")
    if len(failures) > MAX_LISTED_FAILURES:
        lines.append(f"… and {len(failures) - MAX_LISTED_FAILURES} more")
    return "\n".join(lines)


def bulk_title(count: int, where: str) -> str:
    return f"{count} file{'s' * (count != 1)} from {where}"


def bulk_heading(number: int, count: int, name: str) -> str:
    return f"{number} of {count} · {name}"


# -- /sync ---------------------------------------------------------------------------------------
SYNC_USAGE = (
    "Usage: /sync ORG BATCH — e.g. /sync abcde 123 (batch ids are shown in /getbatches). "
    "Admins may leave out BATCH to sync the whole organization."
)
SYNC_NEEDS_BATCH = (
    "Only admins can sync a whole organization. Name a batch: /sync ORG BATCH (e.g. /sync abcde "
    "123; /getbatches shows the ids)."
)


def sync_downloading(where: str, done: int, total: int, received: int) -> str:
    return f"🔄 Sync of {where}\n⬇️ Fetched {done} of {total} files · {format_bytes(received)}"


def _sh(text: str) -> str:
    return text if _PLAIN.fullmatch(text) else "'" + text.replace("'", "'\\''") + "'"


def _cmd(text: str) -> str:
    return text if _PLAIN.fullmatch(text.replace("*", "")) else f'"{text}"'


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
