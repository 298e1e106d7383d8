"""The data model of a simulated ClassPlus world: orgs, users, courses, batches and their items.

Plain mutable dataclasses so tests can tweak a world (rename a file, bump `updated_at`) between
syncs. Folders hold their children by reference, so a folder may appear below itself (a cycle).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cpbatch.domain.extensions import split_extension

EXTENSION_BY_FORMAT = {"pdf": "pdf", "document": "docx", "image": "png", "zip": "zip"}
DEFAULT_TIMESTAMP = "2024-07-01T10:00:00.000Z"


def stable_uuid(kind: str, item_id: int) -> str:
    """A random-looking but reproducible 32-hex id, as the CDN uses in file paths."""
    return hashlib.blake2b(f"{kind}:{item_id}".encode(), digest_size=16).hexdigest()


@dataclass(slots=True)
class Document:
    """A downloadable file: contentType 3 in a course, or an attachment in a batch folder."""

    id: int
    name: str
    size: int
    format: str = "pdf"
    ext: str = ""
    updated_at: str = DEFAULT_TIMESTAMP
    created_at: str = DEFAULT_TIMESTAMP
    content_key: int | None = None  # files sharing a key have identical bytes
    locked: bool = False
    uuid: str = ""
    # The lock keys exactly as sent (e.g. {"isContentLocked": False, "isLocked": 1}); when set,
    # the file address is sent too, as by a server that trusts clients to honour the flags.
    # `locked` still says whether the user may have the file (the manifest follows it).
    lock_flags: dict[str, object] | None = None

    def __post_init__(self) -> None:
        if not self.ext:
            # The CDN path carries the upload's real type: 'Chapter 3.1' is still a .pdf.
            suffix = split_extension(self.name)[1].lower()
            self.ext = suffix or EXTENSION_BY_FORMAT.get(self.format, "bin")
        if not self.uuid:
            self.uuid = stable_uuid("file", self.id)

    @property
    def key(self) -> int:
        return self.id if self.content_key is None else self.content_key


@dataclass(slots=True)
class Video:
    """contentType 2: listed as metadata only; its URLs point at a DRM-style media path."""

    id: int
    name: str
    duration: int = 1800
    locked: bool = False
    created_at: str = DEFAULT_TIMESTAMP


@dataclass(slots=True)
class Test:
    """contentType 4: an online test."""

    __test__ = False  # not a pytest class, despite the name

    id: int
    name: str
    max_marks: int = 100
    created_at: str = DEFAULT_TIMESTAMP


@dataclass(slots=True)
class UnknownItem:
    """An item with a contentType no client knows (e.g. 7); clients must not crash on it."""

    id: int
    name: str
    content_type: int = 7
    created_at: str = DEFAULT_TIMESTAMP


@dataclass(slots=True, eq=False)
class Folder:
    """contentType 1 in a course, or a folder in a batch. `home_course_id` is set when the
    folder's content lives in another course (shared content, `contentCourseId`)."""

    id: int
    name: str
    items: list[Item] = field(default_factory=list)
    description: str = ""
    home_course_id: int | None = None
    modified_at: str = DEFAULT_TIMESTAMP

    def add(self, *items: Item) -> Folder:
        self.items.extend(items)
        return self


Item = Folder | Document | Video | Test | UnknownItem


@dataclass(slots=True)
class Course:
    """An entry of /v2/courses. `listed=False` hides it from listings (a content library
    that other courses share folders from)."""

    id: int
    name: str
    root: Folder
    price: int = 0
    final_price: int = 0
    listed: bool = True
    expires_at: str | None = None
    created_at: str = DEFAULT_TIMESTAMP

    @property
    def is_free(self) -> bool:
        return self.final_price == 0

    @property
    def access_expired(self) -> bool:
        """`expires_at` is past: still listed, as ClassPlus lists it, but no longer open."""
        if not self.expires_at:
            return False
        try:
            moment = datetime.fromisoformat(self.expires_at.replace("Z", "+00:00"))
        except ValueError:
            return False
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) <= datetime.now(UTC)


@dataclass(slots=True)
class Batch:
    """A tutor-side batch served by /v2/batches/details and /v2/folder."""

    id: int
    name: str
    subject: str
    root: Folder
    created_at: str = DEFAULT_TIMESTAMP


@dataclass(slots=True)
class User:
    id: int
    mobile: str
    name: str
    email: str = ""
    course_ids: set[int] = field(default_factory=set)  # purchased courses
    batch_ids: set[int] = field(default_factory=set)  # batches the user sits in


@dataclass(slots=True)
class Org:
    id: int
    code: str
    name: str
    users: list[User] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)

    def course(self, course_id: int) -> Course | None:
        return next((c for c in self.courses if c.id == course_id), None)

    def batch(self, batch_id: int) -> Batch | None:
        return next((b for b in self.batches if b.id == batch_id), None)

    def user_by_identifier(self, mobile_or_email: str) -> User | None:
        return next((u for u in self.users if mobile_or_email in (u.mobile, u.email)), None)

    def can_open_course(self, user: User, course: Course) -> bool:
        """Entitlement: purchased, or free and listed in the store; and not expired."""
        entitled = course.id in user.course_ids or (course.is_free and course.listed)
        return entitled and not course.access_expired


@dataclass(slots=True)
class World:
    seed: int
    orgs: list[Org] = field(default_factory=list)

    def org_by_code(self, code: str) -> Org | None:
        return next((o for o in self.orgs if o.code == code.lower()), None)

    def org_by_id(self, org_id: int) -> Org | None:
        return next((o for o in self.orgs if o.id == org_id), None)


def walk_folders(
    root: Folder, course_id: int | None = None, *, follow_shared: bool = False
) -> Iterator[tuple[Folder, tuple[str, ...]]]:
    """Every folder reachable from `root` once (cycle-safe), with its path of names below root.
    Folders whose content lives in a course other than `course_id` are entered only when
    `follow_shared` (as a client does); the server's own lookups stay within one course."""
    seen: set[int] = set()
    stack: list[tuple[Folder, tuple[str, ...]]] = [(root, ())]
    while stack:
        folder, path = stack.pop()
        if id(folder) in seen:
            continue
        seen.add(id(folder))
        yield folder, path
        for item in reversed(folder.items):
            if isinstance(item, Folder) and (
                follow_shared or item.home_course_id in (None, course_id)
            ):
                stack.append((item, (*path, item.name)))
