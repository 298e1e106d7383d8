"""Generated worlds for benchmarks and scaling tests: N files spread over folder trees.

Building is cheap (no bytes, no hashes), so 20 000 files take a fraction of a second.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from cpbatch.entrypoints.simulator.builders import IdSequence, root, timestamp
from cpbatch.entrypoints.simulator.world import Course, Document, Folder, Org, User, World

_LEVEL_NAMES = ("Unit", "Chapter", "Part", "Section", "Topic")


class _TreeFiller:
    """Places the n-th file of a course: `per_folder` files per leaf folder, leaves
    `folder_depth` levels down, each level holding up to `per_folder` sub-folders."""

    def __init__(self, course_root: Folder, ids: IdSequence, depth: int, per_folder: int) -> None:
        self._root = course_root
        self._ids = ids
        self._depth = depth
        self._per_folder = max(1, per_folder)
        self._folders: dict[tuple[int, ...], Folder] = {(): course_root}

    def _folder(self, path: tuple[int, ...]) -> Folder:
        folder = self._folders.get(path)
        if folder is None:
            parent = self._folder(path[:-1])
            level = len(path) - 1
            label = _LEVEL_NAMES[level] if level < len(_LEVEL_NAMES) else f"Level {level + 1}"
            folder = Folder(self._ids(), f"{label} {path[-1] + 1}")
            parent.items.append(folder)
            self._folders[path] = folder
        return folder

    def place(self, position: int, doc: Document) -> None:
        leaf = position // self._per_folder
        digits: list[int] = []
        for _ in range(self._depth):
            leaf, digit = divmod(leaf, self._per_folder)
            digits.append(digit)
        if digits:
            digits[-1] += leaf * self._per_folder  # overflow widens the top level
        self._folder(tuple(reversed(digits))).items.append(doc)


def generated_world(
    org_code: str = "benchorg",
    files: int = 300,
    min_size: int = 50_000,
    max_size: int = 2_000_000,
    folder_depth: int = 3,
    per_folder: int = 25,
    courses: int = 1,
    seed: int = 1,
    large_files: Sequence[int] = (),
) -> World:
    """One org, one user owning `courses` courses that hold `files` files between them, plus
    `large_files` (sizes in bytes) at the root of the first course."""
    rng = random.Random(seed)  # noqa: S311 - reproducible worlds, not secrets
    ids = IdSequence(9_000_000)
    stamps = [timestamp(hour) for hour in range(0, 24 * 365, 24)]
    course_list = [
        Course(51001 + n, f"Benchmark course {n + 1}", root(), price=999, final_price=999)
        for n in range(max(1, courses))
    ]
    fillers = [_TreeFiller(c.root, ids, folder_depth, per_folder) for c in course_list]
    per_course = -(-files // len(course_list))
    for n in range(files):
        file_id = ids()
        stamp = stamps[file_id % len(stamps)]
        size = rng.randint(min_size, max_size)
        doc = Document(file_id, f"File {n + 1:06d}.pdf", size, created_at=stamp, updated_at=stamp)
        fillers[n // per_course].place(n % per_course, doc)
    for n, size in enumerate(large_files):
        course_list[0].root.items.append(
            Document(ids(), f"Large file {n + 1}.zip", int(size), "zip", created_at=stamps[0])
        )
    user = User(6100001, "9000000001", "Bench Student", "bench.student@example.com")
    user.course_ids = {c.id for c in course_list}
    org = Org(500001, org_code.lower(), f"{org_code.title()} Institute", [user], course_list)
    return World(seed=seed, orgs=[org])
