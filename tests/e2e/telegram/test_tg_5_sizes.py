"""Step 17: every size the bot shows is true (1 MB = 1,000,000 bytes, 1 MiB = 2**20 bytes).

ClassPlus lists no sizes, so a file the bot never fetched may say its size is unknown; once
the bot has a file (steps 9-16 fetched several), its button shows the size. Captions,
progress and the final word always know it; "Download all" never claims 0 B for files."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from support.telegram_e2e.chat import labels, text_of
from support.telegram_e2e.checks import size_labels, tells_size
from support.telegram_e2e.screens import LARGE_FILES, PHYSICS, PHYSICS_ID, SYLLABUS, open_folder

if TYPE_CHECKING:
    from support.telegram_e2e.chat import Message
    from support.telegram_e2e.environment import TelegramE2E

pytestmark = pytest.mark.asyncio(loop_scope="session")

_ZERO_BYTES = re.compile(r"(?<![\d.])0 B\b")


def _wrong_buttons(screen: Message, entries: list[dict[str, object]], known: set[str]) -> list[str]:
    wrong = []
    for entry in entries:
        name, size = str(entry["name"]), int(str(entry["size"]))
        for label in (label for label in labels(screen) if name in label):
            claims = size_labels(label)
            if (name in known or claims) and not tells_size(label, size):
                wrong.append(label)
    return wrong + [label for label in labels(screen) if _ZERO_BYTES.search(label)]


async def test_17_every_size_shown_is_true(e2e: TelegramE2E) -> None:
    documents = e2e.memory.get("documents", [])
    large_texts = e2e.memory.get("large_texts", [])
    assert documents, "no document arrived in the steps before"
    assert large_texts, "the 300 MiB step left no progress to read"
    wrong = [text_of(m) for m in documents if not tells_size(text_of(m), m.document.file_size)]
    large = e2e.files.file(PHYSICS_ID, LARGE_FILES, "Large file 1.zip")
    progress = [t for t in large_texts if size_labels(t) and not tells_size(t, large["size"])]
    wrong += progress[:1] + progress[-1:]  # the first and the last word say enough
    known = {str(m.document.file_name) for m in documents} | {SYLLABUS, str(large["name"])}
    for folder in ((), LARGE_FILES):
        screen = await open_folder(e2e.admin, PHYSICS, folder)
        here = [e for e in e2e.files.below(PHYSICS_ID, folder) if tuple(e["folder_path"]) == folder]
        wrong += _wrong_buttons(screen, here, known)
    shown = "\n".join(dict.fromkeys(text.replace("\n", " | ") for text in wrong))
    assert not wrong, f"sizes shown wrongly or not at all:\n{shown}"
