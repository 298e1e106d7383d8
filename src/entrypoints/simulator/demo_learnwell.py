"""The courses of the demo org "learnwell": purchased, free, unpurchased and a hidden library
that shares a folder, with every awkward name and shape the real API is known to produce."""

from __future__ import annotations

import random

from cpbatch.entrypoints.simulator.builders import ItemFactory, root
from cpbatch.entrypoints.simulator.world import Course, Document, Folder

PHYSICS, CHEMISTRY, MATHS, FREE_DEMO, NEET, LIBRARY = 41001, 41002, 41003, 41004, 41005, 41006
KB, MB = 1000, 1_000_000
LONG_NAME = ("Complete revision notes for mechanics, waves and thermodynamics " * 5)[:296] + ".pdf"
CUT_AT_50 = "JEE Main previous year questions with detailed sol"  # two files, cut upstream


def _practice_sheets(make: ItemFactory, rng: random.Random) -> Folder:
    sheets = [make.doc(f"DPP {n:03d}.pdf", rng.randint(3 * KB, 8 * KB)) for n in range(1, 121)]
    return make.folder("Daily practice sheets", *sheets)


def _physics(make: ItemFactory, rng: random.Random, shared: Folder, twin: Document) -> Course:
    chapter_1 = make.folder(
        "Chapter 1: Kinematics",
        make.video("Lecture 1 - Introduction to motion", 52),
        make.video("Lecture 2 - Projectile motion", 61),
        make.doc("Kinematics formula sheet.pdf", 180 * KB),
        make.folder(
            "Lecture notes",
            make.doc("Lecture 1 notes.pdf", 420 * KB),
            make.doc("Lecture 2 notes.pdf", 510 * KB),
            make.folder(
                "Solved examples",
                make.doc("Solved examples set 1.pdf", 260 * KB),
                make.doc("Solved examples set 2.pdf", 1_200 * KB),
                make.doc("Graph of motion.png", 95 * KB, "image"),
            ),
        ),
    )
    chapter_2 = make.folder(
        "Chapter 2: Laws of Motion",
        make.video("Lecture 3 - Newton's laws", 58),
        make.test("Laws of motion - chapter test", 120),
        make.doc("Notes.pdf", 300 * KB),
        make.doc("Notes.pdf", 350 * KB),
        make.doc("Free body diagrams.pdf", 230 * KB),
        make.doc("Free Body Diagrams.pdf", 240 * KB),
        make.doc("Unit 1/2: What is force?.pdf", 140 * KB),
        make.doc("Premium answer key.pdf", 410 * KB, locked=True),
        make.unknown("Live class: Doubt clearing session"),
    )
    revision = make.folder(
        "Revision",
        make.doc("भौतिकी नोट्स.pdf", 650 * KB),
        make.doc("🔥 Most important questions 🔥.pdf", 400 * KB),
        make.doc(LONG_NAME, 75 * KB),
        make.doc(CUT_AT_50, 900 * KB),
        make.doc(CUT_AT_50, 880 * KB),
        twin,
    )
    tree = root(
        make.video("Course introduction", 12),
        make.doc("Course syllabus.pdf", 60 * KB),
        chapter_1,
        chapter_2,
        revision,
        make.folder("Chapter 3: Work and Energy (coming soon)"),
        _practice_sheets(make, rng),
        shared,
    )
    return Course(PHYSICS, "Physics Complete Course 2025", tree, price=4999, final_price=2999)


def _chemistry(make: ItemFactory, twin: Document) -> Course:
    tree = root(
        twin,
        make.folder(
            "Organic chemistry",
            make.doc("Reaction mechanisms.pdf", 2_400 * KB),
            make.doc("Named reactions chart.jpg", 850 * KB, "image"),
            make.folder(
                "Practice",
                make.doc("Practice set A.docx", 120 * KB, "document"),
                make.doc("Practice set B.pdf", 240 * KB),
            ),
        ),
        make.folder(
            "Inorganic chemistry",
            make.doc("Periodic table.png", 1_500 * KB, "image"),
            make.doc("Coordination compounds.zip", 2_900 * KB, "zip"),
            make.video("Lecture - d-block elements", 47),
        ),
        make.test("Chemistry mock test 1"),
    )
    return Course(CHEMISTRY, "Chemistry Crash Course", tree, price=3499, final_price=1999)


def _maths(make: ItemFactory) -> Course:
    worksheets = make.folder(
        "Worksheets",
        make.doc("Worksheet 1.pdf", 85 * KB),
        make.doc("Worksheet 2.pdf", 92 * KB),
        make.doc("Worksheet 3 (answers).pdf", 130 * KB),
    )
    tree = root(
        make.folder("Algebra", make.folder("Quadratic equations", worksheets)),
        make.folder(
            "Calculus",
            make.video("Limits - full lecture", 75),
            make.doc("Limits.pdf", 2_200 * KB),
            make.doc("Derivatives.pdf", 3_000 * KB),
        ),
    )
    return Course(MATHS, "Mathematics Foundation", tree, price=2999, final_price=1499)


def _free_demo(make: ItemFactory) -> Course:
    tree = root(
        make.video("Demo lecture - How to study physics", 30),
        make.doc("Sample notes.pdf", 150 * KB),
        make.doc("Scholarship test brochure.pdf", 90 * KB),
    )
    return Course(FREE_DEMO, "Free Demo Classes", tree, price=0, final_price=0)


def _neet(make: ItemFactory) -> Course:
    tests = make.folder("Full syllabus tests", make.doc("NEET mock 1.pdf", 700 * KB))
    tree = root(tests, make.test("NEET mock test 1", 720))
    return Course(NEET, "NEET Ultimate Test Series", tree, price=9999, final_price=5999)


def learnwell_courses(make: ItemFactory, rng: random.Random) -> list[Course]:
    shared = make.folder(
        "Maths toolkit",
        make.doc("Trigonometry identities.pdf", 140 * KB),
        make.folder("Log tables", make.doc("Log table.pdf", 700 * KB)),
        home_course_id=LIBRARY,
    )
    library = Course(LIBRARY, "Maths Toolkit Library", root(shared), price=999, final_price=999)
    library.listed = False
    physics_twin = make.doc("Scientific constants.pdf", 330 * KB)
    chemistry_twin = make.doc("Scientific constants (chemistry).pdf", 330 * KB)
    chemistry_twin.content_key = physics_twin.key  # identical bytes, different courses
    return [
        _physics(make, rng, shared, physics_twin),
        _chemistry(make, chemistry_twin),
        _maths(make),
        _free_demo(make),
        _neet(make),
        library,
    ]
