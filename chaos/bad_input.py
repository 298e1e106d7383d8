"""Bad input: every value a user or upstream controls, thrown at the code that first reads it.

Hypothesis generates the inputs IN-PROCESS with fixed example counts and derandomized seeds
(`@settings(max_examples=N, derandomize=True)`), so a run is reproducible. The checks never
raise: a broken property is recorded as a violation (with a short, shown-safe sample of the
input) and the search goes on, so every category always tries its full count.

Categories (each the code path where the input enters cpbatch):
  org_codes      OrgCode.parse: a valid code or ValidationError, nothing else
  ids            parse_id / BatchSelector.parse: a positive int or ValidationError
  tokens         AccessToken.parse: ValidationError only; a refused input is never echoed
  chat_text      parse_command / normalize_mobile / looks_like_token never raise
  callbacks      CallbackRegistry.resolve(random, foreign, expired keys) -> None, no exception
  pagination     paginate + batches/folder keyboards for any page number and list length
  filenames      sanitize_name / plan_relative_paths: inside the output dir, no control chars
                 or separators, <= 255 bytes per component, extension kept, collisions distinct
  upstream_json  the ClassPlus mapping functions and the envelope parser on random JSON
  max_file_size  a stream larger than MAX_FILE_SIZE is refused and nothing is stored
                 (simulator CDN with Content-Length, and a chunked host without it)
  url_policy     check_file_url: other schemes, metadata / private / loopback addresses refused
  settings       load_settings / load_bot_settings (environment, .env): a value or ConfigError
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import string
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cpbatch.adapters.classplus import ClassPlusHttpGateway, ClassPlusSettings, mapping
from cpbatch.adapters.classplus.envelope import data_of
from cpbatch.adapters.classplus.errors import CallErrors
from cpbatch.adapters.classplus.fields import Fields, parse_time
from cpbatch.adapters.classplus.kinds import classify_document
from cpbatch.adapters.classplus.url_policy import check_file_url
from cpbatch.adapters.filesystem.blob_store import FilesystemBlobStore
from cpbatch.adapters.filesystem.output import FilesystemOutput
from cpbatch.adapters.sqlite import SqliteDatabase
from cpbatch.application.blob_cache import TieredBlobStore
from cpbatch.application.bot.callbacks import (
    KEY_BYTES,
    CallbackRegistry,
    Ignore,
    PickFile,
    ShowBatches,
    ShowFolder,
)
from cpbatch.application.bot.dialog import looks_like_token
from cpbatch.application.bot.folders import folder_view, paginate
from cpbatch.application.bot.gate import parse_command
from cpbatch.application.bot.keyboards import batches_keyboard, folder_keyboard
from cpbatch.application.bot.login import normalize_mobile
from cpbatch.application.fetching import FileFetcher
from cpbatch.application.ports import SyncProgress
from cpbatch.domain.errors import CpbatchError, NotDownloadableError, UpstreamError, ValidationError
from cpbatch.domain.identifiers import AccessToken, OrgCode, parse_id
from cpbatch.domain.models import Batch, BatchFile, BatchSource, FileKind, FileOutcome, Org
from cpbatch.domain.naming import MAX_NAME_BYTES, plan_relative_paths, sanitize_name
from cpbatch.domain.selectors import BatchSelector
from cpbatch.entrypoints.simulator import run_simulator

T = TypeVar("T")

# Examples per category (full, smoke). The network-bound size check is kept small.
COUNTS: dict[str, tuple[int, int]] = {
    "org_codes": (2000, 150),
    "ids": (2000, 150),
    "tokens": (1000, 100),
    "chat_text": (1000, 100),
    "callbacks": (1500, 120),
    "pagination": (1000, 100),
    "filenames": (2000, 150),
    "path_plans": (400, 40),
    "upstream_json": (3000, 250),
    "envelopes": (1000, 100),
    "max_file_size": (40, 10),
    "url_policy": (2000, 150),
    "url_text": (1000, 100),
    "settings": (1000, 100),
}
# How the per-check counts roll up into the categories the table shows.
CATEGORY_OF = {
    "path_plans": "filenames",
    "envelopes": "upstream_json",
    "url_text": "url_policy",
}
SAMPLES_KEPT = 4  # per check, each a different kind of failure

_ORG_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ORDINARY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,60}[A-Za-z0-9]\.([a-z0-9]{1,8})$")


# -- bookkeeping ----------------------------------------------------------------------------


@dataclass
class Tally:
    tried: Counter[str] = field(default_factory=Counter)
    violations: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)  # facts worth reporting, not failures

    def tick(self, check: str) -> None:
        self.tried[check] += 1

    def violation(self, check: str, what: str, value: object) -> None:
        self.violations[check] += 1
        kept = self.samples.setdefault(check, [])
        kind = what[:32]  # one sample per kind of failure (the exception and its message)
        if len(kept) < SAMPLES_KEPT and not any(k[:32] == kind for k in kept):
            kept.append(f"{what} for {_shown(value)}")

    def guard(
        self,
        check: str,
        value: object,
        call: Callable[[], T],
        allowed: tuple[type[BaseException], ...],
    ) -> tuple[bool, T | None]:
        """(True, result) when `call` returned, (False, None) when it raised an allowed
        error; any other exception is a violation."""
        try:
            return True, call()
        except allowed:
            return False, None
        except Exception as error:
            self.violation(check, f"{type(error).__name__}: {str(error)[:80]}", value)
            return False, None


def _shown(value: object, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def explore(count: int, strategy: st.SearchStrategy[T], body: Callable[[T], None]) -> None:
    """Run `body` on `count` examples of `strategy`: derandomized, no example database, no
    shrinking (`body` records violations instead of failing)."""

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def inner(value: T) -> None:
        body(value)

    inner()


def collect(count: int, strategy: st.SearchStrategy[T]) -> list[T]:
    """`count` examples drawn the same way, for checks that must run on an event loop."""
    drawn: list[T] = []
    explore(count, strategy, drawn.append)
    return drawn


# -- strategies -------------------------------------------------------------------------------

NASTY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    st.sampled_from(
        [
            "",
            " ",
            ".",
            "..",
            "../../etc/passwd",
            "..\\..\\boot.ini",
            "/etc/passwd",
            "C:\\Windows\\win.ini",
            "con",
            "NUL.txt",
            "a\x00b",
            "\u202egnp.exe",
            "x" * 300,
            "é" * 200 + ".pdf",
            "🔥" * 100 + ".pdf",
            "name\n.pdf",
            " .. ",
            "file.",
            ".hidden",
            "notes.PDF",
        ]
    ),
)
JSON_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["1", "0", "-1", "inf", "nan", "Infinity", "1e999", "true", "", " 7 "]),
)
JSON_ANY = st.recursive(
    JSON_SCALAR,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
UPSTREAM_KEYS = (
    "id",
    "courseId",
    "batchId",
    "folderId",
    "attachmentId",
    "orgId",
    "orgName",
    "name",
    "batchName",
    "folderName",
    "fileName",
    "contentType",
    "contentCourseId",
    "url",
    "format",
    "isPurchased",
    "totalAmount",
    "finalPrice",
    "price",
    "resources",
    "files",
    "createdAt",
    "updatedAt",
    "modifiedAt",
    "createdDate",
    "isContentLocked",
    "isLocked",
    "courses",
    "courseContent",
    "totalBatches",
    "batchesCount",
    "folders",
    "attachments",
)


FIELD_VALUE = st.one_of(JSON_SCALAR, JSON_SCALAR, JSON_ANY)
ROW = st.fixed_dictionaries(
    {},
    optional={
        **{key: FIELD_VALUE for key in UPSTREAM_KEYS},
        "resources": st.one_of(
            JSON_SCALAR, st.fixed_dictionaries({}, optional={"files": JSON_SCALAR})
        ),
    },
)
LISTS = ("courses", "courseContent", "totalBatches", "folders", "attachments")
PAGE = st.fixed_dictionaries(
    {},
    optional={
        **{
            key: st.one_of(st.lists(st.one_of(ROW, JSON_SCALAR), max_size=4), JSON_SCALAR)
            for key in LISTS
        },
        "batchesCount": JSON_SCALAR,
        "orgId": JSON_SCALAR,
        "orgName": JSON_SCALAR,
    },
)
# Known-awkward numbers in the places the mapping converts them (a fuzzer's dictionary).
ODD_NUMBERS = ("inf", "-inf", "nan", "Infinity", 1e999, -1e999, float("nan"), "1e400", -1, 2**64)
SEEDS = st.sampled_from(ODD_NUMBERS).flatmap(
    lambda odd: st.sampled_from(
        [
            {"courses": [{"id": 5, "name": "C", "resources": {"files": odd}}]},
            {"totalBatches": [{"batchId": 6, "batchName": "B"}], "batchesCount": odd},
            {"courseContent": [{"id": 7, "contentType": odd, "name": "N", "url": "u"}]},
            {"folders": [{"id": odd}], "attachments": [{"url": "https://x/y.pdf", "id": odd}]},
            {"orgId": odd, "orgName": "O"},
            {"id": 8, "createdAt": odd, "updatedAt": odd, "totalAmount": odd},
        ]
    )
)
UPSTREAM_JSON = st.one_of(JSON_ANY, ROW, PAGE, st.lists(ROW, max_size=4), SEEDS)


# -- the checks -------------------------------------------------------------------------------


def check_org_codes(tally: Tally, n: int) -> None:
    def body(raw: object) -> None:
        tally.tick("org_codes")
        ok, code = tally.guard("org_codes", raw, lambda: OrgCode.parse(raw), (ValidationError,))
        if ok and (code is None or not _ORG_CODE.fullmatch(code.value)):
            tally.violation("org_codes", "accepted an invalid code", raw)

    explore(n, st.one_of(NASTY_TEXT, JSON_ANY, st.from_regex(_ORG_CODE, fullmatch=True)), body)


def check_ids(tally: Tally, n: int) -> None:
    def body(raw: object) -> None:
        tally.tick("ids")
        ok, value = tally.guard("ids", raw, lambda: parse_id(raw), (ValidationError,))
        if ok and not (isinstance(value, int) and 0 < value <= 2**63 - 1):
            tally.violation("ids", f"accepted {value!r}", raw)
        ok, selector = tally.guard("ids", raw, lambda: BatchSelector.parse(raw), (ValidationError,))
        if ok and (selector is None or not 0 < selector.id <= 2**63 - 1):
            tally.violation("ids", "selector with a bad id", raw)

    prefixed = st.builds(
        lambda kind, rest: f"{kind}:{rest}",
        st.sampled_from(["course", "batch", "COURSE", "video", "", " batch "]),
        st.one_of(st.integers().map(str), st.text(max_size=12)),
    )
    explore(n, st.one_of(NASTY_TEXT, JSON_ANY, st.integers(), prefixed), body)


def check_tokens(tally: Tally, n: int) -> None:
    def body(raw: object) -> None:
        tally.tick("tokens")
        try:
            AccessToken.parse(raw)
        except ValidationError as error:
            if isinstance(raw, str) and len(raw.strip()) >= 8 and raw.strip() in str(error):
                tally.violation("tokens", "refused input echoed in the error", raw)
        except Exception as error:
            tally.violation("tokens", type(error).__name__, raw)

    shaped = st.builds(
        lambda a, b, c: f"eyJ{a}.{b}.{c}",
        st.text(max_size=20),
        st.text(max_size=20),
        st.text(max_size=20),
    )
    explore(n, st.one_of(NASTY_TEXT, JSON_ANY, shaped), body)


def check_chat_text(tally: Tally, n: int) -> None:
    def body(text: str) -> None:
        tally.tick("chat_text")
        ok, parsed = tally.guard("chat_text", text, lambda: parse_command(text), ())
        if ok and parsed is not None and parsed[0] is not None:
            if any(c.isspace() for c in parsed[0]):
                tally.violation("chat_text", f"a command with spaces {parsed[0]!r}", text)
            if not parsed[0]:  # '/@bot': answered as an unknown command, harmless
                tally.notes["empty_command_names"] += 1
        ok, mobile = tally.guard("chat_text", text, lambda: normalize_mobile(text), ())
        if ok and mobile is not None and not re.fullmatch(r"\+?\d{10,15}", mobile):
            tally.violation("chat_text", f"accepted mobile {mobile!r}", text)
        tally.guard("chat_text", text, lambda: looks_like_token(text), ())

    commands = st.builds(
        lambda c, bot, rest: f"/{c}{bot} {rest}",
        st.text(max_size=10),
        st.sampled_from(["", "@MyBot", "@", "@@x"]),
        st.text(max_size=30),
    )
    explore(n, st.one_of(NASTY_TEXT, commands), body)


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def check_callbacks(tally: Tally, n: int) -> None:
    clock = _Clock()
    registry = CallbackRegistry(60.0, clock, per_user=50)
    owner, other = 1, 2
    live = [registry.issue(owner, ShowBatches("abc", page)) for page in range(20)]
    expired_registry = CallbackRegistry(1.0, clock)
    expired = [expired_registry.issue(owner, Ignore()) for _ in range(5)]
    clock.now += 10  # every key of `expired_registry` has lapsed; `registry`'s have not
    # Keys pushed out by the per-user cap must resolve to nothing, too.
    evicted = [registry.issue(owner, Ignore()) for _ in range(3)]
    for _ in range(60):
        registry.issue(owner, Ignore())

    def body(case: tuple[str, str]) -> None:
        kind, key = case
        tally.tick("callbacks")
        if kind == "foreign":  # a real key of `owner`, pressed by someone else
            ok, action = tally.guard("callbacks", key, lambda: registry.resolve(other, key), ())
        elif kind == "expired":
            ok, action = tally.guard(
                "callbacks", key, lambda: expired_registry.resolve(owner, key), ()
            )
        else:
            ok, action = tally.guard("callbacks", key, lambda: registry.resolve(owner, key), ())
        if ok and action is not None:
            tally.violation("callbacks", f"{kind} key resolved to {action!r}", key)

    cases = st.one_of(
        st.tuples(st.just("random"), NASTY_TEXT),
        st.tuples(st.just("random"), st.text(alphabet=string.ascii_letters + "-_", min_size=16)),
        st.tuples(st.just("random"), st.binary(max_size=64).map(lambda b: b.decode("latin-1"))),
        st.tuples(st.just("random"), st.sampled_from(live).map(lambda k: k[:-1] + "A")),
        st.tuples(st.just("foreign"), st.sampled_from(live)),
        st.tuples(st.just("expired"), st.sampled_from(expired)),
        st.tuples(st.just("evicted"), st.sampled_from(evicted)),
    )
    explore(n, cases, body)
    # The keys really are opaque and short: KEY_BYTES random bytes, url-safe, <= 64 bytes.
    if any(len(k.encode()) > 64 or len(k) < KEY_BYTES for k in live):
        tally.violation("callbacks", "a key longer than Telegram allows", live[0])


def _org() -> Org:
    return Org(OrgCode("fuzzorg"), 1, "Fuzz Academy")


def _batch(
    name: str = "Batch", batch_id: int = 9, source: BatchSource = BatchSource.COURSE
) -> Batch:
    return Batch(batch_id, name, _org(), source, 0)


def check_pagination(tally: Tally, n: int) -> None:
    def body(case: tuple[int, int, int, int]) -> None:
        items, page_number, page_size, depth = case
        tally.tick("pagination")
        registry = CallbackRegistry(60.0, _Clock())
        issue = registry.issuer(7)
        ok, page = tally.guard(
            "pagination", case, lambda: paginate(items, page_number, page_size), ()
        )
        if not ok or page is None:
            return
        if not (0 <= page.number < page.count and 0 <= page.start <= page.stop <= max(items, 0)):
            tally.violation("pagination", f"page out of range {page}", case)
        if page.stop - page.start > page_size:
            tally.violation("pagination", "more than a page of items", case)
        batches = [_batch(f"B{i}", i + 1) for i in range(items)]
        ok, keyboard = tally.guard(
            "pagination", case, lambda: batches_keyboard(issue, "fuzzorg", batches, page), ()
        )
        if ok and keyboard is not None:
            for row in keyboard:
                for button in row:
                    action = registry.resolve(7, button.key)
                    if isinstance(action, ShowBatches) and not 0 <= action.page < page.count:
                        tally.violation("pagination", f"button to page {action.page}", case)
        files = [
            BatchFile(
                i + 1,
                _batch(),
                tuple(f"F{j}" for j in range(i % (depth + 1))),
                f"f{i}.pdf",
                FileKind.DOCUMENT,
                "v",
                url="https://cdn-wl-assets.classplus.co/x.pdf",
                size=i,
            )
            for i in range(items)
        ]
        view = folder_view(files, ())
        fpage = paginate(len(view.entries), page_number, page_size)
        here = ShowFolder("fuzzorg", "course:9", (), fpage.number, 0)
        sizes = {f.id: f.size for f in files if f.size is not None}
        ok, keyboard = tally.guard(
            "pagination", case, lambda: folder_keyboard(issue, here, view, fpage, sizes), ()
        )
        if ok and keyboard is not None:
            for row in keyboard:
                for button in row:
                    action = registry.resolve(7, button.key)
                    if action is None:
                        tally.violation("pagination", "a button that resolves to nothing", case)
                    elif isinstance(action, PickFile) and action.file_id not in {
                        f.id for f in files
                    }:
                        tally.violation("pagination", "a button for a file not listed", case)

    explore(
        n,
        st.tuples(
            st.integers(min_value=0, max_value=60),
            st.one_of(st.integers(), st.integers(min_value=-3, max_value=10)),
            st.integers(min_value=1, max_value=12),
            st.integers(min_value=0, max_value=3),
        ),
        body,
    )


def _component_ok(part: str) -> str | None:
    """Why one path component is unsafe, or None."""
    if part in ("", ".", ".."):
        return f"component {part!r}"
    if "/" in part or "\\" in part:
        return "a separator"
    if _CONTROL.search(part) or any(unicodedata.category(c) == "Cc" for c in part):
        return "a control character"
    if len(part.encode()) > MAX_NAME_BYTES:
        return f"{len(part.encode())} bytes"
    return None


def check_filenames(tally: Tally, n: int) -> None:
    def body(raw: str) -> None:
        tally.tick("filenames")
        ok, name = tally.guard("filenames", raw, lambda: sanitize_name(raw), ())
        if not ok or name is None:
            return
        problem = _component_ok(name)
        if problem:
            tally.violation("filenames", problem, raw)
        ordinary = _ORDINARY_NAME.fullmatch(raw)
        if ordinary and not name.endswith("." + ordinary.group(1)):
            tally.violation("filenames", f"extension lost: {name!r}", raw)

    explore(n, NASTY_TEXT, body)


# Names that become the same, or nearly, once sanitized, normalized, truncated or tagged.
COLLIDING_NAMES = (
    "notes.pdf",
    "Notes.pdf",
    "NOTES.PDF",
    "notes (2).pdf",
    "notes (3).pdf",
    "notes (2-2).pdf",
    "notes",
    "notes.pdf.",
    " notes.pdf",
    "a/b.pdf",
    "a_b.pdf",
    "a:b.pdf",
    "caf\u00e9.pdf",
    "cafe\u0301.pdf",
    "x" * 300 + "1.pdf",
    "x" * 300 + "2.pdf",
    "a" * 254 + ".pdf",
    "con",
    "CON.pdf",
    "_con",
    "..pdf",
    "Unit 1",
)


def check_path_plans(tally: Tally, n: int, out: Path) -> None:
    pool = st.one_of(NASTY_TEXT, st.sampled_from(COLLIDING_NAMES))
    folders = st.lists(
        st.one_of(NASTY_TEXT, st.sampled_from(["Unit 1", "unit 1", "notes.pdf"])), max_size=3
    )
    spec = st.lists(
        st.tuples(pool, folders, st.sampled_from([None, "application/pdf", "image/jpeg", "x/y"])),
        min_size=1,
        max_size=12,
    )
    root = os.path.normpath(str(out))

    def body(entries: list[tuple[str, list[str], str | None]]) -> None:
        tally.tick("path_plans")
        batch = _batch("Batch / ../ name", 77)
        files = [
            BatchFile(i + 1, batch, tuple(fs), name, FileKind.DOCUMENT, "v", mime_type=mime)
            for i, (name, fs, mime) in enumerate(entries)
        ]
        ok, plan = tally.guard("path_plans", entries, lambda: plan_relative_paths(files), ())
        if not ok or plan is None:
            return
        if set(plan) != {f.id for f in files}:
            tally.violation("path_plans", "a file without a path", entries)
        seen: dict[str, int] = {}
        folders_seen: set[str] = set()
        for file in files:
            path = plan.get(file.id)
            if path is None:
                continue
            for part in path.parts:
                problem = _component_ok(part)
                if problem:
                    tally.violation("path_plans", problem, entries)
            joined = os.path.normpath(os.path.join(root, *path.parts))
            if not joined.startswith(root + os.sep) or path.is_absolute():
                tally.violation("path_plans", f"outside the output dir: {path}", entries)
            key = str(path).casefold()
            if key in seen:
                tally.violation("path_plans", f"two files share {path}", entries)
            seen[key] = file.id
            for depth in range(1, len(path.parts)):
                folders_seen.add("/".join(path.parts[:depth]).casefold())
            ordinary = _ORDINARY_NAME.fullmatch(file.name)
            if ordinary and not path.name.endswith("." + ordinary.group(1)):
                tally.violation("path_plans", f"extension lost: {path.name!r}", entries)
        if folders_seen & set(seen):
            tally.violation("path_plans", "a file planned where a folder goes", entries)

    explore(n, spec, body)


def _mapping_calls(data: object) -> Iterator[tuple[str, Callable[[], object]]]:
    """Every mapping entry point on `data`, with the rows it yields mapped further."""
    org = _org()
    batch = _batch()
    path = "/v2/fuzz"
    yield "org_from", lambda: mapping.org_from(OrgCode("fuzzorg"), data, path)

    def courses() -> object:
        return [
            (mapping.is_entitled(r), mapping.batch_from_course(r, org))
            for r in mapping.course_rows(data, path)
        ]

    def batches() -> object:
        rows, _total = mapping.batch_rows(data, path)
        return [mapping.batch_from_batch(r, org) for r in rows]

    def content() -> object:
        return [mapping.content_item(r, batch, ("A",)) for r in mapping.content_rows(data, path)]

    def folders() -> object:
        subfolders, attachments = mapping.folder_rows(data, path)
        return [mapping.folder_from(r) for r in subfolders] + [
            mapping.attachment_file(r, batch, ()) for r in attachments
        ]

    def rows() -> object:  # the object itself as one row of each kind
        row = Fields(data, path, "a row")
        return [
            mapping.batch_from_course(row, org),
            mapping.is_entitled(row),
            mapping.batch_from_batch(row, org),
            mapping.content_item(row, batch, ()),
            mapping.folder_from(row),
            mapping.attachment_file(row, batch, ()),
        ]

    yield "courses", courses
    yield "batches", batches
    yield "content", content
    yield "folders", folders
    yield "rows", rows


_DOMAIN_TYPES = (bool, int, list, tuple, Org, Batch, BatchFile, mapping.FolderRef, str, type(None))


def _well_formed(result: object) -> bool:
    if isinstance(result, list | tuple):
        return all(_well_formed(item) for item in result)
    if isinstance(result, BatchFile):
        return result.id > 0 and bool(result.name.strip()) and isinstance(result.version, str)
    if isinstance(result, Batch | mapping.FolderRef | Org):
        return result.id > 0 and bool(result.name.strip())
    return isinstance(result, _DOMAIN_TYPES)


def check_upstream_json(tally: Tally, n: int) -> None:
    def body(data: object) -> None:
        tally.tick("upstream_json")
        for name, call in _mapping_calls(data):
            ok, result = tally.guard(f"upstream_json:{name}", data, call, (UpstreamError,))
            if ok and not _well_formed(result):
                tally.violation(f"upstream_json:{name}", f"ill-formed {_shown(result, 60)}", data)
        for value in (data, *(data.values() if isinstance(data, dict) else ())):
            tally.guard("upstream_json:parse_time", value, partial(parse_time, value), ())
        fmt = data.get("format") if isinstance(data, dict) else data
        url = data.get("url") if isinstance(data, dict) else None
        tally.guard(
            "upstream_json:classify",
            data,
            lambda: classify_document(
                fmt if isinstance(fmt, str) else None,
                url if isinstance(url, str) else None,
                str(data)[:50],
            ),
            (),
        )

    explore(n, UPSTREAM_JSON, body)


def check_envelopes(tally: Tally, n: int) -> None:
    raw = st.one_of(
        UPSTREAM_JSON.map(lambda d: json.dumps(d, allow_nan=True).encode()),
        st.builds(
            lambda status, message, data: json.dumps(
                {"status": status, "message": message, "data": data}, allow_nan=True
            ).encode(),
            st.sampled_from(["success", "failure", None, 1, ""]),
            JSON_SCALAR,
            UPSTREAM_JSON,
        ),
        st.binary(max_size=200),
        st.sampled_from([b"<html>502</html>", b"", b"\xef\xbb\xbf{}", b"[" * 5000, b"NaN"]),
    )
    statuses = st.sampled_from([200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 410, 422, 500])

    def body(case: tuple[int, bytes, bool]) -> None:
        status, payload, org_lookup = case
        tally.tick("envelopes")
        errors = CallErrors("/v2/fuzz", not_found="Not found.", org_lookup=org_lookup)
        tally.guard("envelopes", case, lambda: data_of(status, payload, errors), (CpbatchError,))

    explore(n, st.tuples(statuses, raw, st.booleans()), body)


# -- URLs ----------------------------------------------------------------------------------------

ALLOWED = ("cdn-wl-assets.classplus.co", "ali-cdn-wl-assets.classplus.co")
STRICT = ClassPlusSettings(file_hosts=ALLOWED)
LOOPBACK_OK = ClassPlusSettings(file_hosts=(*ALLOWED, "127.0.0.1"), allow_insecure_loopback=True)

HOSTS: dict[str, tuple[str, ...]] = {
    "allowed": (
        "cdn-wl-assets.classplus.co",
        "CDN-WL-ASSETS.classplus.co",
        "cdn-wl-assets.classplus.co.",
        "media.cdn-wl-assets.classplus.co",
        "ali-cdn-wl-assets.classplus.co",
    ),
    "configured_loopback": ("127.0.0.1",),
    "other_loopback": ("127.0.0.2", "127.255.255.254", "localhost", "[::1]", "LOCALHOST"),
    "special": (
        "169.254.169.254",
        "10.0.0.7",
        "10.255.255.255",
        "192.168.1.1",
        "172.16.0.1",
        "172.31.255.255",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
        "[fd00::1]",
        "[fe80::1]",
        "[::ffff:169.254.169.254]",
        "[::ffff:10.0.0.1]",
        "[::]",
        "224.0.0.1",
        "255.255.255.255",
    ),
    "foreign": (
        "evil.example",
        "8.8.8.8",
        "cdn-wl-assets.classplus.co.evil.example",
        "evilcdn-wl-assets.classplus.co",
        "classplus.co",
        "metadata.google.internal",
        "2852039166",  # 169.254.169.254 as one number
        "0xA9FEA9FE",
        "0251.0376.0251.0376",
    ),
}
SCHEMES = ("https", "http", "HTTPS", "file", "ftp", "gopher", "data", "javascript", "ws", "wss")


@dataclass(frozen=True)
class UrlCase:
    scheme: str
    kind: str
    host: str
    userinfo: str
    port: int | None
    path: str
    loopback_allowed: bool

    @property
    def url(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{self.userinfo}{self.host}{port}/{self.path}"

    def expected(self) -> bool:
        """Should cpbatch fetch it? The policy, written down independently."""
        scheme = self.scheme.lower()
        if self.userinfo or scheme not in ("http", "https"):
            return False
        if self.kind == "allowed":
            return scheme == "https" and self.port in (None, 443)
        if self.kind == "configured_loopback":
            return self.loopback_allowed
        return False  # other loopback names, special ranges, foreign hosts


def check_url_policy(tally: Tally, n: int) -> None:
    cases = st.builds(
        UrlCase,
        scheme=st.sampled_from(SCHEMES),
        kind=st.sampled_from(sorted(HOSTS)),
        host=st.just(""),
        userinfo=st.sampled_from(["", "", "", "user@", "user:pw@", "cdn-wl-assets.classplus.co@"]),
        port=st.sampled_from([None, None, 443, 80, 8443, 0]),
        path=st.text(alphabet=string.ascii_letters + "/.%?#=&", max_size=20),
        loopback_allowed=st.booleans(),
    ).flatmap(
        lambda case: st.sampled_from(HOSTS[case.kind]).map(
            lambda host: UrlCase(
                case.scheme,
                case.kind,
                host,
                case.userinfo,
                case.port,
                case.path,
                case.loopback_allowed,
            )
        )
    )
    over_refused = 0

    def body(case: UrlCase) -> None:
        nonlocal over_refused
        tally.tick("url_policy")
        config = LOOPBACK_OK if case.loopback_allowed else STRICT
        ok, _ = tally.guard(
            "url_policy",
            case.url,
            lambda: check_file_url(case.url, config, 1),
            (NotDownloadableError,),
        )
        if ok and not case.expected():
            tally.violation("url_policy", f"fetched ({case.kind})", case.url)
        elif not ok and case.expected():
            over_refused += 1

    explore(n, cases, body)
    tally.notes["url_policy_over_refused"] += over_refused


def check_url_text(tally: Tally, n: int) -> None:
    tricky = st.sampled_from(
        [
            "https://cdn-wl-assets.classplus.co\\@evil.example/",
            "https://evil.example\\.cdn-wl-assets.classplus.co/",
            "https://cdn-wl-assets.classplus.co%2F@evil.example/",
            "https://cdn-wl-assets.classplus.co:443@evil.example/",
            "https://cdn-wl-assets.classplus.co#@evil.example",
            "https://cdn-wl-assets.classplus.co%00.evil.example/",
            "https://[::ffff:a9fe:a9fe]/latest/meta-data/",
            "https:cdn-wl-assets.classplus.co/x",
            "//cdn-wl-assets.classplus.co/x",
            "https://cdn-wl-assets\u3002classplus\u3002co/x",
            "https://xn--cdn-wl-assets.classplus.co/x",
            " https://cdn-wl-assets.classplus.co/x",
            "http://127.0.0.1.nip.io/x",
            "http://[::1]:8080/x",
            "http://127.1/x",
            "http://0177.0.0.1/x",
        ]
    )
    texts = st.one_of(
        st.text(max_size=80),
        tricky,
        st.builds(lambda s, rest: f"{s}://{rest}", st.sampled_from(SCHEMES), st.text(max_size=60)),
        st.builds(
            lambda rest: f"https://cdn-wl-assets.classplus.co{rest}",
            st.text(max_size=40),
        ),
    )

    def body(raw: str) -> None:
        tally.tick("url_text")
        for config in (STRICT, LOOPBACK_OK):
            ok, url = tally.guard(
                "url_text", raw, partial(check_file_url, raw, config, 1), (NotDownloadableError,)
            )
            if not ok or url is None:
                continue
            host = (url.raw_host or "").lower().rstrip(".")
            allowed = any(host == h or host.endswith("." + h) for h in ALLOWED)
            https = url.scheme == "https" and url.port == 443
            loopback = config.allow_insecure_loopback and host == "127.0.0.1"
            if url.user is not None or not ((allowed and https) or loopback):
                tally.violation("url_text", f"fetched {host!r} over {url.scheme}", raw)

    explore(n, texts, body)


# -- settings ----------------------------------------------------------------------------------

SETTINGS_VARS = (
    "CLASSPLUS_BASE_URL",
    "CLASSPLUS_FILE_HOSTS",
    "CLASSPLUS_ALLOW_LOOPBACK",
    "API_TIMEOUT",
    "MAX_RETRIES",
    "RETRY_BACKOFF_FACTOR",
    "RATE_LIMIT_REQUESTS",
    "RATE_LIMIT_PERIOD",
    "MAX_FILE_SIZE",
    "MAX_LISTING_PAGES",
    "MAX_LISTING_ITEMS",
    "MAX_LISTING_FOLDERS",
    "DATA_DIR",
    "DOWNLOAD_DIR",
    "CACHE_ENABLED",
    "CACHE_DIR",
    "CACHE_TTL",
    "CACHE_MAX_MB",
    "MEMORY_CACHE_MB",
    "MEMORY_CACHE_ITEM_MB",
    "INLINE_FILE_LIMIT_MB",
    "SYNC_CONCURRENCY",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "MONGODB_TIMEOUT",
    "ADMIN_USER_IDS",
    "ALLOWED_USER_IDS",
    "BOT_MAX_JOBS",
    "BOT_REQUESTS_PER_MINUTE",
    "BOT_PROGRESS_INTERVAL",
    "PORT",
    "TELEGRAM_API_ID",
)
SETTINGS_VALUES = st.one_of(
    st.text(max_size=24).filter(lambda t: "\x00" not in t),
    st.sampled_from(
        [
            "²",  # a digit to str.isdigit(), not to int()
            "١٢",
            "~chaos-no-such-user/x",
            "http://[",
            "https://[::1",
            "https://example.com:99999",
            "nan",
            "inf",
            "-1",
            "0",
            "1e9",
            " 7 ",
            "4G",
            "0G",
            "-",
            ",",
            "1,,2",
            "true",
            "http://localhost:1",
        ]
    ),
)
VALID_BOT_ENV = {
    "BOT_TOKEN": "123456:" + "A" * 35,
    "TELEGRAM_API_ID": "12345",
    "TELEGRAM_API_HASH": "0" * 32,
    "SECRET_KEY": "k" * 40,
    "ADMIN_USER_IDS": "1",
}


def check_settings(tally: Tally, n: int) -> None:
    """What an operator types into the environment or .env: a setting, or a ConfigError
    naming the variable (ValidationError), never another exception."""
    from cpbatch.entrypoints.bot_config import load_bot_settings
    from cpbatch.entrypoints.config import load_settings
    from cpbatch.entrypoints.container import classplus_settings

    def body(env: dict[str, str]) -> None:
        tally.tick("settings")

        def core() -> object:
            return classplus_settings(load_settings(env, env_file=None))

        tally.guard("settings", env, core, (ValidationError,))
        merged = {**VALID_BOT_ENV, **env}
        tally.guard(
            "settings", env, partial(load_bot_settings, merged, env_file=None), (ValidationError,)
        )

    seeds = st.sampled_from(
        [
            {"CLASSPLUS_BASE_URL": "http://["},
            {"CLASSPLUS_BASE_URL": "https://example.com:99999"},
            {"MAX_FILE_SIZE": "²"},
            {"DATA_DIR": "~chaos-no-such-user/x"},
            {"BOT_MAX_JOBS": "²"},
            {"ADMIN_USER_IDS": "²"},
        ]
    )
    envs = st.one_of(
        st.dictionaries(st.sampled_from(SETTINGS_VARS), SETTINGS_VALUES, max_size=3), seeds
    )
    explore(n, envs, body)


# -- MAX_FILE_SIZE ------------------------------------------------------------------------------


class _Silent(SyncProgress):
    def batch_listed(self, batch: Batch, files: int) -> None: ...
    def sync_planned(self, org: Org, files: int, known_bytes: int) -> None: ...
    def file_started(self, file: BatchFile, size: int | None) -> None: ...
    def bytes_received(self, file: BatchFile, count: int) -> None: ...
    def file_finished(self, file: BatchFile, outcome: FileOutcome, detail: str | None) -> None: ...


def _body_bytes(size: int) -> bytes:
    block = hashlib.sha256(str(size).encode()).digest() * 64
    return (block * (size // len(block) + 1))[:size]


def _chunked_host() -> web.Application:
    """A file host that streams `size` bytes with (cl=1) or without (cl=0) Content-Length."""

    async def blob(request: web.Request) -> web.StreamResponse:
        size = int(request.match_info["size"])
        response = web.StreamResponse()
        if request.query.get("cl") == "1":
            response.content_length = size
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        data = _body_bytes(size)
        for start in range(0, size, 7919):
            await response.write(data[start : start + 7919])
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/blob/{size}", blob)
    return app


@dataclass(frozen=True)
class SizeCase:
    host: str  # "simulator" (Content-Length) or "chunked" / "length" on the plain host
    size_delta: int  # limit = size + delta
    size: int  # bytes of the file (the plain host); ignored for the simulator
    pick: int  # which simulator file


def _files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def _size_checks(tally: Tally, cases: list[SizeCase], workdir: Path) -> None:
    async with run_simulator() as sim:
        manifest = sorted(await sim.manifest_async("learnwell"), key=lambda e: e["file_id"])
        runner = web.AppRunner(_chunked_host(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        repository = await SqliteDatabase.open(workdir / "sizes.sqlite3")
        try:
            for number, case in enumerate(cases):
                tally.tick("max_file_size")
                await _one_size_case(
                    tally, case, number, sim.base_url, port, manifest, workdir, repository
                )
        finally:
            await repository.close()
            await runner.cleanup()


async def _one_size_case(
    tally: Tally,
    case: SizeCase,
    number: int,
    base_url: str,
    port: int,
    manifest: list[dict[str, Any]],
    workdir: Path,
    repository: SqliteDatabase,
) -> None:
    if case.host == "simulator":
        entry = manifest[case.pick % len(manifest)]
        size, expected_sha = int(entry["size"]), str(entry["sha256"])
        url = str(entry["url"])
    else:
        size = case.size
        expected_sha = hashlib.sha256(_body_bytes(size)).hexdigest()
        url = f"http://127.0.0.1:{port}/blob/{size}?cl={int(case.host == 'length')}"
    limit = max(1, size + case.size_delta)
    config = ClassPlusSettings(
        base_url=base_url,
        file_hosts=("127.0.0.1",),
        allow_insecure_loopback=True,
        max_file_size=limit,
        backoff_factor=0.01,
        max_backoff_s=0.05,
        rate_limit_requests=1000,
    )
    root = workdir / f"blobs-{number}"
    batch = Batch(1, "Sizes", Org(OrgCode("learnwell"), 361842, "LearnWell"), BatchSource.COURSE)
    file = BatchFile(
        900_000 + number, batch, (), "big.pdf", FileKind.DOCUMENT, f"v{number}", url=url
    )
    blobs = TieredBlobStore(None, (FilesystemBlobStore(root, fsync=False),))
    refused = stored_sha = None
    async with ClassPlusHttpGateway(config) as gateway:
        fetcher = FileFetcher(
            gateway, blobs, repository.file_records, FilesystemOutput(fsync=False)
        )
        try:
            fetched = await fetcher.fetch(file, _Silent())
            stored_sha = fetched.stored.sha256
        except ValidationError as error:
            refused = str(error)
        except Exception as error:
            tally.violation("max_file_size", f"{type(error).__name__}: {error}", case)
            return
    record = (await repository.file_records.get_records([file.record_key])).get(file.record_key)
    left = _files_in(root)
    if size > limit:
        if refused is None or "MAX_FILE_SIZE" not in refused:
            tally.violation("max_file_size", f"{size} B over a {limit} B limit not refused", case)
        if left or record is not None:
            tally.violation("max_file_size", f"refused file left {len(left)} file(s)", case)
    elif stored_sha != expected_sha or record is None:
        tally.violation("max_file_size", f"{size} B within {limit} B not stored intact", case)


def check_max_file_size(tally: Tally, n: int, workdir: Path) -> None:
    cases = collect(
        n,
        st.builds(
            SizeCase,
            host=st.sampled_from(["simulator", "chunked", "length"]),
            size_delta=st.one_of(
                st.sampled_from([-1, 0, 1]), st.integers(min_value=-50_000, max_value=50_000)
            ),
            size=st.integers(min_value=1, max_value=300_000),
            pick=st.integers(min_value=0, max_value=10_000),
        ),
    )
    asyncio.run(_size_checks(tally, cases, workdir))


# -- the section -------------------------------------------------------------------------------


def run(size: str, workdir: Path) -> dict[str, object]:
    full = size == "full"
    counts = {name: pair[0] if full else pair[1] for name, pair in COUNTS.items()}
    tally = Tally()
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bad-input-", dir=workdir) as scratch:
        out = Path(scratch)
        check_org_codes(tally, counts["org_codes"])
        check_ids(tally, counts["ids"])
        check_tokens(tally, counts["tokens"])
        check_chat_text(tally, counts["chat_text"])
        check_callbacks(tally, counts["callbacks"])
        check_pagination(tally, counts["pagination"])
        check_filenames(tally, counts["filenames"])
        check_path_plans(tally, counts["path_plans"], out / "downloads")
        check_upstream_json(tally, counts["upstream_json"])
        check_envelopes(tally, counts["envelopes"])
        check_url_policy(tally, counts["url_policy"])
        check_url_text(tally, counts["url_text"])
        check_settings(tally, counts["settings"])
        check_max_file_size(tally, counts["max_file_size"], out)
    by_category: Counter[str] = Counter()
    for check, tried in tally.tried.items():
        by_category[CATEGORY_OF.get(check, check)] += tried
    violations_by: Counter[str] = Counter()
    for check, count in tally.violations.items():
        violations_by[CATEGORY_OF.get(check.split(":")[0], check.split(":")[0])] += count
    return {
        "inputs_tried": sum(tally.tried.values()),
        "by_category": dict(sorted(by_category.items())),
        "violations": sum(tally.violations.values()),
        "violations_by_check": dict(sorted(tally.violations.items())),
        "violations_by_category": dict(sorted(violations_by.items())),
        "violation_samples": dict(sorted(tally.samples.items())),
        "url_policy_over_refused": tally.notes["url_policy_over_refused"],
        "notes": dict(sorted(tally.notes.items())),  # facts, not failures
        "files_lost": 0,
        "files_corrupted": 0,
    }
