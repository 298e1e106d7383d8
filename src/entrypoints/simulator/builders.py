"""Small helpers for building worlds by hand: id sequences, an item factory, tiny worlds,
folder cycles and deep chains (for tests and the bundled worlds)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cpbatch.entrypoints.simulator.world import (
    Course,
    Document,
    Folder,
    Item,
    Org,
    Test,
    UnknownItem,
    User,
    Video,
    World,
)

_EPOCH = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)


def timestamp(hours: int) -> str:
    """An upstream-style ISO timestamp `hours` after 2024-06-01 10:00 UTC."""
    return (_EPOCH + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class IdSequence:
    """Hands out increasing ids so hand-built worlds never collide."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def __call__(self) -> int:
        value = self._next
        self._next += 1
        return value


class ItemFactory:
    """Builds items with fresh ids and plausible, deterministic timestamps."""

    def __init__(self, ids: IdSequence) -> None:
        self.ids = ids

    def doc(
        self,
        name: str,
        size: int,
        fmt: str = "pdf",
        *,
        locked: bool = False,
        content_key: int | None = None,
        lock_flags: dict[str, object] | None = None,
    ) -> Document:
        item_id = self.ids()
        created = timestamp(item_id % 2000)
        return Document(
            id=item_id,
            name=name,
            size=size,
            format=fmt,
            locked=locked,
            content_key=content_key,
            lock_flags=lock_flags,
            created_at=created,
            updated_at=created,
        )

    def folder(self, name: str, *items: Item, home_course_id: int | None = None) -> Folder:
        folder_id = self.ids()
        return Folder(
            id=folder_id,
            name=name,
            items=list(items),
            home_course_id=home_course_id,
            modified_at=timestamp(folder_id % 2000),
        )

    def video(self, name: str, minutes: int = 45, *, locked: bool = False) -> Video:
        video_id = self.ids()
        return Video(video_id, name, minutes * 60, locked, timestamp(video_id % 2000))

    def test(self, name: str, max_marks: int = 100) -> Test:
        test_id = self.ids()
        return Test(test_id, name, max_marks, timestamp(test_id % 2000))

    def unknown(self, name: str, content_type: int = 7) -> UnknownItem:
        item_id = self.ids()
        return UnknownItem(item_id, name, content_type, timestamp(item_id % 2000))


def root(*items: Item) -> Folder:
    """A course or batch root folder (listed as folderId 0)."""
    return Folder(id=0, name="", items=list(items))


def single_course_world(
    *items: Item,
    seed: int = 1,
    org_code: str = "tinyorg",
    org_id: int = 700_001,
    course_id: int = 1001,
    mobile: str = "9000000099",
) -> World:
    """One org with one user who purchased one course whose root holds `items`."""
    course = Course(course_id, "Tiny course", root(*items), price=499, final_price=499)
    user = User(800_001, mobile, "Test Student", "test.student@example.com", {course_id})
    org = Org(org_id, org_code, "Tiny Org", users=[user], courses=[course])
    return World(seed=seed, orgs=[org])


def folder_chain(factory: ItemFactory, depth: int, *leaf_items: Item) -> Folder:
    """`depth` folders nested in one another; `leaf_items` sit in the deepest one."""
    deepest = factory.folder(f"Level {depth}", *leaf_items)
    top = deepest
    for level in range(depth - 1, 0, -1):
        top = factory.folder(f"Level {level}", top)
    return top


def folder_cycle(factory: ItemFactory, *items: Item) -> Folder:
    """Folder "Loop A" holds "Loop B", which holds `items` and "Loop A" again (a cycle)."""
    loop_b = factory.folder("Loop B", *items)
    loop_a = factory.folder("Loop A", loop_b)
    loop_b.add(loop_a)
    return loop_a
