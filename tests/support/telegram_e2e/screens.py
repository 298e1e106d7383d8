"""The demo world as the admin's account sees it, and the walk to one of its folders."""

from __future__ import annotations

from collections.abc import Sequence

from support.telegram_e2e.chat import BotChat, Message

ORG = "learnwell"
MOBILE = "9000000001"  # the org's first user: the manifest lists what this account sees
PHYSICS = "Physics Complete Course 2025"
PHYSICS_ID = 41001
WATCH_EVERY_S = 10.0  # the bot checks watched batches this often in the run
MATHS = "Mathematics Foundation"  # folders two deep, a video: a good "Download all"
MATHS_ID = 41003
MORNING_BATCH = "Class 11 Morning Batch"
MORNING_BATCH_ID = 73001
# The batches the demo org's first user can open (courses bought or free, batches sat in).
BATCHES = (
    PHYSICS,
    "Chemistry Crash Course",
    MATHS,
    "Free Demo Classes",
    "Class 12 Evening Batch",
    MORNING_BATCH,
)
CHAPTER_1 = ("Chapter 1: Kinematics", "Lecture notes")
PRACTICE_SHEETS = ("Daily practice sheets",)
LARGE_FILES = ("Large files",)
SYLLABUS = "Course syllabus.pdf"
VIDEO = "Course introduction"


async def open_folder(chat: BotChat, batch: str, folders: Sequence[str] = ()) -> Message:
    """/getbatches ORG, then the batch's button, then each folder's: the screen shown last.
    Folder buttons are found by name (folders are listed before files)."""
    screen = await chat.ask(f"/getbatches {ORG}")
    screen = await chat.press_and_read(screen, batch)
    for folder in folders:
        screen = await chat.press_and_read(screen, folder)
    return screen
