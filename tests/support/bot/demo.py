"""The conversation tests' world: one org, "demo", with a few users and files."""

from __future__ import annotations

from cpbatch.domain.models import FileKind
from support.fakes import FakeClassPlus, make_token

ALICE_TOKEN = make_token("a")
BOB_TOKEN = make_token("b")
CAROL_TOKEN = make_token("c")
NOTES = b"Newton's three laws, in detail."


def demo_gateway(*, listed_sizes: bool = False) -> FakeClassPlus:
    """demo (Demo Academy): Physics (Unit 1/notes.pdf, Unit 1/Deep/extra.pdf, a video, a quiz,
    syllabus.pdf) and Maths (algebra.pdf). Alice opens both, Bob only Maths. As on ClassPlus,
    listings give no file sizes unless `listed_sizes`."""
    gateway = FakeClassPlus(listed_sizes=listed_sizes)
    org = gateway.add_org("demo", name="Demo Academy")
    physics = gateway.add_batch(org, 12, "Physics")
    maths = gateway.add_batch(org, 20, "Maths")
    gateway.add_file(physics, 101, "notes.pdf", NOTES, folders=("Unit 1",))
    gateway.add_file(physics, 102, "extra.pdf", b"extra reading", folders=("Unit 1", "Deep"))
    gateway.add_file(physics, 103, "Lecture 1", kind=FileKind.VIDEO, folders=("Unit 1",))
    gateway.add_file(physics, 104, "Quiz 1", kind=FileKind.TEST)
    gateway.add_file(physics, 105, "syllabus.pdf", b"the syllabus")
    gateway.add_file(maths, 201, "algebra.pdf", b"x + y = z")
    gateway.grant(ALICE_TOKEN, physics, maths)
    gateway.grant(BOB_TOKEN, maths)
    return gateway
