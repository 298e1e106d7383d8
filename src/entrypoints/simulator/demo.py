"""The demo world: three orgs (learnwell, brightpath, emptyorg) small enough to sync in seconds.

learnwell: 3 purchased courses, 1 free, 1 unpurchased paid (403 on content), a hidden library
sharing a folder, 3 tutor-side batches; ~40 regular files (5 KB-3 MB) plus 120 practice sheets.
`large_files` (sizes in bytes, e.g. `--large-file 315M`) adds a folder "Large files" to its
physics course, for end-to-end runs that need a big document next to the usual shapes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from cpbatch.entrypoints.simulator.builders import IdSequence, ItemFactory, root, timestamp
from cpbatch.entrypoints.simulator.demo_learnwell import (
    CHEMISTRY,
    MATHS,
    PHYSICS,
    learnwell_courses,
)
from cpbatch.entrypoints.simulator.world import Batch, Course, Org, User, World

KB = 1000
DEMO_MOBILES = ("9000000001", "9000000004", "9000000002", "9000000003")


def _learnwell_batches(make: ItemFactory) -> list[Batch]:
    morning = root(
        make.doc("Batch timetable.pdf", 35 * KB),
        make.folder(
            "Week 1",
            make.doc("Homework 1.pdf", 220 * KB),
            make.doc("Class photo board.jpg", 640 * KB, "image"),
        ),
        make.folder("Week 2", make.folder("Extra reading", make.doc("Reading list.pdf", 45 * KB))),
    )
    evening = root(
        make.doc("Lab manual.pdf", 1_800 * KB),
        make.folder(
            "Assignments",
            make.doc("Assignment 1.docx", 80 * KB, "document"),
            make.doc("Assignment 2.pdf", 110 * KB),
        ),
    )
    weekend = root(make.doc("Weekend schedule.pdf", 25 * KB))
    return [
        Batch(73001, "Class 11 Morning Batch", "Physics", morning, timestamp(-500)),
        Batch(73002, "Class 12 Evening Batch", "Chemistry", evening, timestamp(-400)),
        Batch(73003, "Class 10 Weekend Batch", "Mathematics", weekend, timestamp(-300)),
    ]


def _learnwell(make: ItemFactory, rng: random.Random) -> Org:
    asha = User(5100001, "9000000001", "Asha Verma", "asha.verma@example.com")
    asha.course_ids = {PHYSICS, CHEMISTRY, MATHS}
    asha.batch_ids = {73001, 73002}
    kabir = User(5100004, "9000000004", "Kabir Singh", "kabir.singh@example.com")
    kabir.course_ids, kabir.batch_ids = {CHEMISTRY}, {73003}
    return Org(
        361842,
        "learnwell",
        "LearnWell Academy",
        users=[asha, kabir],
        courses=learnwell_courses(make, rng),
        batches=_learnwell_batches(make),
    )


def _brightpath(make: ItemFactory) -> Org:
    tree = root(
        make.folder(
            "Cell biology",
            make.doc("Cell structure.pdf", 480 * KB),
            make.doc("Cell division diagram.png", 260 * KB, "image"),
            make.doc("Cell biology MCQs.pdf", 120 * KB),
        ),
        make.folder(
            "Genetics",
            make.video("Mendel's laws", 40),
            make.doc("Genetics notes.pdf", 900 * KB),
            make.doc("Pedigree problems.pdf", 210 * KB),
        ),
    )
    course = Course(42001, "Biology Essentials", tree, price=2499, final_price=1299)
    batch_root = root(
        make.doc("Foundation batch plan.pdf", 40 * KB),
        make.folder("Worksheets", make.doc("Worksheet - plants.pdf", 150 * KB)),
    )
    batch = Batch(74001, "Foundation Batch", "Biology", batch_root, timestamp(-200))
    rohan = User(5200002, "9000000002", "Rohan Iyer", "rohan.iyer@example.com", {42001}, {74001})
    return Org(275511, "brightpath", "BrightPath Classes", [rohan], [course], [batch])


def _emptyorg() -> Org:
    meera = User(5300003, "9000000003", "Meera Nair", "meera.nair@example.com")
    return Org(190033, "emptyorg", "Empty Org Academy", users=[meera])


def _add_large_files(org: Org, make: ItemFactory, sizes: Sequence[int]) -> None:
    course = org.course(PHYSICS)
    if course is None or not sizes:
        return
    docs = [make.doc(f"Large file {n}.zip", size, "zip") for n, size in enumerate(sizes, 1)]
    course.root.add(make.folder("Large files", *docs))


def demo_world(seed: int = 7, large_files: Sequence[int] = ()) -> World:
    """A fresh demo world; the same `seed` gives the same bytes, ids and names. Large files
    take ids after every other item, so they change no other item's id."""
    rng = random.Random(seed)  # noqa: S311 - reproducible worlds, not secrets
    make = ItemFactory(IdSequence(8_100_000))
    learnwell = _learnwell(make, rng)
    world = World(seed=seed, orgs=[learnwell, _brightpath(make), _emptyorg()])
    _add_large_files(learnwell, make, large_files)
    return world
