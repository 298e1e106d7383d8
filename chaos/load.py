"""Load: the bot's conversation engine with hundreds of users at once.

The engine is composed exactly as `cpbatch bot` composes it (Container: the ClassPlus HTTP
adapter, SQLite, the filesystem blob store, Fernet), with only the chat port replaced by an
in-memory one. Upstream is the ClassPlus simulator in its own process on loopback (so its CPU
and memory are not counted), serving a world where every user has different entitlements:
a subset of the org's paid courses, plus a private batch only they sit in.

Each user, concurrently: /token, /getbatches, then per batch: open it and press "Download all"
(courses) or press the one file (the private batch), waiting for each job to finish. Checked:
  * every user received exactly their own files (sha256 multiset == their manifest);
  * no cross-talk: nothing sent, edited or answered in one user's chat mentions another user's
    private batch, no message is edited in a chat it was not sent to, no document reaches a
    user outside their manifest;
  * job limits: the JobManager's peak of running jobs <= BotPolicy.max_jobs.
Reported: wall time of the user flows, peak RSS above the baseline (sampled every 20 ms).

`python -m chaos.load serve --users N --ready FILE` is the simulator process.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
ORG = "loadorg"
ORG_ID = 610_001
COURSES = 8
SEED = 4242
USERS = {"full": 500, "smoke": 40}
READY_TIMEOUT_S = 60.0
FLOW_TIMEOUT_S = 900.0
MARKER = re.compile(r"\bu(\d{6})\b")  # names of private batches and files carry their owner
MIB = 1024 * 1024
MAX_PAGES = 10
NEXT, PREV = "Next ▶", "◀ Prev"  # application.bot.browse_texts


# -- the world ---------------------------------------------------------------------------------


def mobile_of(user: int) -> str:
    return f"9{user:09d}"


def load_world(users: int, seed: int = SEED) -> Any:
    """One org with different entitlements per user: COURSES paid courses (each user owns 1-3
    of them; every 7th user owns all, so their batches span two keyboard pages), a free course
    everyone may open, an unlisted course only every 5th user owns, and a private batch per
    user that only they sit in (its name and file carry the owner: u000123)."""
    from cpbatch.entrypoints.simulator import Batch, Course, Org, User, World, root
    from cpbatch.entrypoints.simulator.builders import IdSequence, ItemFactory

    rng = random.Random(seed)  # noqa: S311 - a reproducible world, not a secret
    make = ItemFactory(IdSequence(6_300_000))

    def course_tree(title: str, video: bool = False) -> Any:
        unit = make.folder(
            "Unit 1",
            make.doc(f"{title} lecture notes.pdf", rng.randint(2_000, 40_000)),
            make.doc(f"{title} worksheet.pdf", rng.randint(2_000, 40_000)),
        )
        items: list[Any] = [unit, make.doc(f"{title} syllabus.pdf", rng.randint(1_000, 20_000))]
        if video:
            items.append(make.video(f"{title} lecture video", 30))
        return root(*items)

    paid = [
        Course(62_001 + n, f"Course {n + 1}", course_tree(f"Course {n + 1}", n == 0), 999, 999)
        for n in range(COURSES)
    ]
    free = Course(62_101, "Free starter course", course_tree("Starter"), 0, 0)
    hidden = Course(62_102, "Tutoring library", course_tree("Library"), 999, 999, listed=False)
    people, batches = [], []
    for user in range(users):
        batch_id = 80_000 + user
        doc = make.doc(f"Personal notes u{user:06d}.pdf", rng.randint(1_000, 8_000))
        batches.append(Batch(batch_id, f"Private u{user:06d}", "Notes", root(doc)))
        owned = paid if user % 7 == 0 else rng.sample(paid, rng.randint(1, 3))
        course_ids = {c.id for c in owned} | ({hidden.id} if user % 5 == 0 else set())
        name = f"Student {user}"
        people.append(User(7_000_000 + user, mobile_of(user), name, "", course_ids, {batch_id}))
    org = Org(ORG_ID, ORG, "Load Test Academy", people, [*paid, free, hidden], batches)
    return World(seed=seed, orgs=[org])


def manifests(world: Any, users: int) -> dict[int, Counter[str]]:
    """Each user's expected files, as sha256 multisets."""
    from cpbatch.entrypoints.simulator.content import ContentSource
    from cpbatch.entrypoints.simulator.manifest import build_manifest

    content = ContentSource(world.seed)
    return {
        user: Counter(e["sha256"] for e in build_manifest(world, content, "", ORG, mobile_of(user)))
        for user in range(users)
    }


# -- the simulator process -----------------------------------------------------------------------


async def _serve(users: int, ready: Path) -> None:
    from cpbatch.entrypoints.simulator import run_simulator

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with run_simulator(load_world(users)) as sim:
        tokens = {str(user): sim.token_for(ORG, mobile_of(user)) for user in range(users)}
        payload = json.dumps({"base_url": sim.base_url, "tokens": tokens, "pid": os.getpid()})
        descriptor, temporary = tempfile.mkstemp(dir=ready.parent, prefix=".ready.")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:  # mode 0600: tokens
            handle.write(payload)
        os.replace(temporary, ready)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos.load")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the load world until SIGTERM")
    serve.add_argument("--users", type=int, required=True)
    serve.add_argument("--ready", type=Path, required=True)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.users, args.ready))
    return 0


@dataclass
class SimulatorProcess:
    base_url: str
    tokens: dict[int, str]


@asynccontextmanager
async def simulator_process(users: int, scratch: Path) -> AsyncIterator[SimulatorProcess]:
    """`python -m chaos.load serve` in its own process; its stderr goes to scratch."""
    ready = scratch / "simulator.ready.json"
    log = scratch / "simulator.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "chaos.load",
            "serve",
            "--users",
            str(users),
            "--ready",
            str(ready),
            cwd=REPO_ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready.exists():
            if process.returncode is not None:
                tail = log.read_text(errors="replace")[-800:]
                raise RuntimeError(f"the simulator stopped at start: {tail}")
            if time.monotonic() > deadline:
                raise RuntimeError("the simulator did not start in time")
            await asyncio.sleep(0.02)
        data = json.loads(ready.read_text(encoding="utf-8"))
        tokens = {int(user): token for user, token in data["tokens"].items()}
        yield SimulatorProcess(str(data["base_url"]), tokens)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                process.kill()
                await process.wait()


# -- the chat port -------------------------------------------------------------------------------


@dataclass
class ChatLog:
    texts: list[tuple[int, str]] = field(default_factory=list)  # (message id, text)
    keyboards: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # message -> buttons
    documents: list[tuple[str, str, bool]] = field(default_factory=list)  # (sha256, name, by id)


class LoadChat:
    """The ChatPort in memory, for many chats at once. Records what would make cross-talk
    visible: which chat each message was sent to, and every edit's (chat, message) pair."""

    def __init__(self) -> None:
        self.chats: dict[int, ChatLog] = defaultdict(ChatLog)
        self.message_chat: dict[int, int] = {}
        self.misdirected_edits = 0
        self.answers: dict[str, tuple[str | None, bool]] = {}
        self.remote_sha: dict[str, str] = {}
        self.uploads = 0
        self.by_id = 0
        self._ids = itertools.count(1)

    async def send_text(self, chat_id: int, text: str, keyboard: Any = None) -> int:
        await asyncio.sleep(0)
        message_id = next(self._ids)
        self.message_chat[message_id] = chat_id
        log = self.chats[chat_id]
        log.texts.append((message_id, text))
        log.keyboards[message_id] = _buttons(keyboard)
        return message_id

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, keyboard: Any = None
    ) -> None:
        await asyncio.sleep(0)
        if self.message_chat.get(message_id) != chat_id:
            self.misdirected_edits += 1
        log = self.chats[chat_id]
        log.texts.append((message_id, text))
        log.keyboards[message_id] = _buttons(keyboard)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        if self.message_chat.get(message_id, chat_id) != chat_id:
            self.misdirected_edits += 1

    async def answer_callback(
        self, callback_id: str, text: str | None = None, alert: bool = False
    ) -> None:
        self.answers[callback_id] = (text, alert)

    async def send_document(
        self, chat_id: int, upload: Any, caption: str, progress: Any = None
    ) -> Any:
        from cpbatch.application.ports import SentDocument
        from cpbatch.domain.errors import DeliveryError

        await asyncio.sleep(0)
        log = self.chats[chat_id]
        log.texts.append((0, caption))
        if upload.remote_id is not None:
            sha = self.remote_sha.get(upload.remote_id)
            if sha is None:
                raise DeliveryError("Telegram does not know that file id.")
            log.documents.append((sha, upload.file_name, True))
            self.by_id += 1
            return SentDocument(upload.remote_id)
        data = upload.path.read_bytes()
        if progress is not None:
            await progress(len(data), len(data))
        sha = hashlib.sha256(data).hexdigest()
        remote_id = f"tg-{next(self._ids)}"
        self.remote_sha[remote_id] = sha
        log.documents.append((sha, upload.file_name, False))
        self.uploads += 1
        return SentDocument(remote_id)

    def newest_button(self, chat_id: int, label: str, exact: bool = False) -> tuple[int, str]:
        log = self.chats[chat_id]
        for message_id in sorted(log.keyboards, reverse=True):
            for text, key in log.keyboards[message_id]:
                if text == label or (not exact and label in text):
                    return message_id, key
        raise LookupError(f"no button {label!r} for chat {chat_id}")

    def labels(self, chat_id: int, message_id: int) -> list[str]:
        return [text for text, _ in self.chats[chat_id].keyboards.get(message_id, [])]


def _buttons(keyboard: Any) -> list[tuple[str, str]]:
    return [(b.text, b.key) for row in keyboard or () for b in row]


# -- one user ------------------------------------------------------------------------------------


@dataclass
class UserOutcome:
    user: int
    logged_in: bool = False
    batches: int = 0
    jobs: int = 0
    refusals: list[str] = field(default_factory=list)  # alerts answered to a press
    error: str | None = None


class Users:
    def __init__(self, conversation: Any, chat: LoadChat) -> None:
        self.conversation = conversation
        self.chat = chat
        self._message_ids = itertools.count(1_000_000)
        self._callbacks = itertools.count(1)

    async def say(self, user: int, text: str) -> None:
        from cpbatch.application.bot.events import IncomingMessage

        await self.conversation.on_message(
            IncomingMessage(user, user, next(self._message_ids), text)
        )

    async def press(self, user: int, message_id: int, key: str) -> tuple[str | None, bool]:
        from cpbatch.application.bot.events import IncomingCallback

        callback_id = f"u{user}-{next(self._callbacks)}"
        await self.conversation.on_callback(
            IncomingCallback(user, user, message_id, callback_id, key)
        )
        return self.chat.answers.get(callback_id, (None, False))

    async def job_done(self, user: int) -> None:
        jobs = self.conversation._jobs  # the engine's JobManager
        while jobs.has_job(user):
            task = jobs._tasks.get(user)
            if task is not None:
                await asyncio.wait([task])
            else:
                await asyncio.sleep(0.01)

    async def flow(self, user: int, token: str) -> UserOutcome:
        outcome = UserOutcome(user)
        try:
            await self.say(user, f"/token {ORG} {token}")
            outcome.logged_in = any("Logged in" in t for _, t in self.chat.chats[user].texts)
            await self.say(user, f"/getbatches {ORG}")
            listing_id = max(self.chat.chats[user].keyboards)
            names = await self.all_batches(user, listing_id)
            outcome.batches = len(names)
            for name in names:
                key = await self.find(user, listing_id, name)
                await self.press(user, listing_id, key)
                label = "Personal notes" if "Private" in name else "Download all"
                message_id, key = self.chat.newest_button(user, label)
                text, alert = await self.press(user, message_id, key)
                if alert and text:
                    outcome.refusals.append(text)
                else:
                    outcome.jobs += 1
                await self.job_done(user)
                message_id, key = self.chat.newest_button(user, "Back to batches")
                await self.press(user, message_id, key)
        except Exception as error:  # reported per user; the others go on
            outcome.error = f"{type(error).__name__}: {error}"
        return outcome

    async def all_batches(self, user: int, listing_id: int) -> list[str]:
        """Every batch button, page after page (the listing message is edited in place)."""
        names: list[str] = []
        for _ in range(MAX_PAGES):
            names += [n for n in self.chat.labels(user, listing_id) if n.startswith("📚")]
            buttons = dict(self.chat.chats[user].keyboards[listing_id])
            if NEXT not in buttons:
                break
            await self.press(user, listing_id, buttons[NEXT])
        return names

    async def find(self, user: int, listing_id: int, name: str) -> str:
        """The key of batch `name`: back to the first page, then forward until it shows."""
        for turn in [PREV] * MAX_PAGES + [NEXT] * MAX_PAGES:
            buttons = dict(self.chat.chats[user].keyboards[listing_id])
            if name in buttons:
                return buttons[name]
            if turn in buttons:
                await self.press(user, listing_id, buttons[turn])
        raise LookupError(f"batch {name!r} not found for user {user}")


# -- measuring -----------------------------------------------------------------------------------


class RssSampler:
    """Peak RSS of this process, sampled on a thread (the event loop may be busy)."""

    def __init__(self, interval_s: float = 0.02) -> None:
        self._process = psutil.Process()
        self._interval_s = interval_s
        self._stop = threading.Event()
        self.baseline = self._process.memory_info().rss
        self.peak = self.baseline
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def _bot_settings() -> Any:
    from cpbatch.adapters.crypto import generate_secret_key
    from cpbatch.entrypoints.bot_config import BotSettings

    return BotSettings(
        bot_token=f"123456:{'L' * 35}",
        api_id=12345,
        api_hash="0" * 32,
        secret_key=generate_secret_key(),
        admin_user_ids=frozenset({1}),
        allowed_user_ids=frozenset(range(10_000)),
        # Up to ~45 presses a user here: the per-user limit is the secrets section's subject.
        requests_per_minute=600,
    )


async def _scenario(users: int, workdir: Path) -> dict[str, object]:
    from dependency_injector import providers

    from cpbatch.entrypoints.bootstrap import resolved, running
    from cpbatch.entrypoints.config import load_settings
    from cpbatch.entrypoints.container import Container

    expected = manifests(load_world(users), users)
    async with simulator_process(users, workdir) as sim:
        settings = load_settings(
            {
                "CLASSPLUS_BASE_URL": sim.base_url,
                "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
                "CLASSPLUS_ALLOW_LOOPBACK": "true",
                # A local simulator, not an upstream to be gentle with (real host: 5/s).
                "RATE_LIMIT_REQUESTS": "10000",
                "RETRY_BACKOFF_FACTOR": "0.05",
                "DATA_DIR": str(workdir / "data"),
            },
            env_file=None,
        )
        bot_settings = _bot_settings()
        container = Container(settings=settings, bot_settings=bot_settings)
        chat = LoadChat()

        async def no_telegram() -> AsyncIterator[None]:
            yield None

        container.telegram_client.override(providers.Resource(no_telegram))
        container.chat.override(providers.Object(chat))
        async with running(settings, container):
            conversation = await resolved(container.conversation())
            await conversation.start()
            policy = container.policy()
            driver = Users(conversation, chat)
            try:
                with RssSampler() as memory:
                    started = time.perf_counter()
                    outcomes = await asyncio.wait_for(
                        asyncio.gather(*(driver.flow(u, sim.tokens[u]) for u in range(users))),
                        timeout=FLOW_TIMEOUT_S,
                    )
                    await conversation.drain()
                    wall = time.perf_counter() - started
            finally:
                await conversation.close()
            peak_running = conversation._jobs.peak_running
    return _figures(
        users, expected, chat, list(outcomes), wall, memory, peak_running, policy.max_jobs
    )


def _figures(
    users: int,
    expected: dict[int, Counter[str]],
    chat: LoadChat,
    outcomes: list[UserOutcome],
    wall: float,
    memory: RssSampler,
    peak_running: int,
    max_jobs: int,
) -> dict[str, object]:
    lost = extra = exact = foreign_mentions = 0
    for user in range(users):
        got = Counter(sha for sha, _, _ in chat.chats[user].documents)
        want = expected[user]
        lost += sum((want - got).values())
        extra += sum((got - want).values())
        exact += got == want
        for _, text in chat.chats[user].texts:
            foreign_mentions += sum(1 for m in MARKER.findall(text) if int(m) != user)
        for text, _ in (b for buttons in chat.chats[user].keyboards.values() for b in buttons):
            foreign_mentions += sum(1 for m in MARKER.findall(text) if int(m) != user)
    for callback_id, (answer, _) in chat.answers.items():
        owner = int(callback_id[1:].split("-")[0])
        foreign_mentions += sum(1 for m in MARKER.findall(answer or "") if int(m) != owner)
    strangers = sum(1 for chat_id in chat.chats if not 0 <= chat_id < users)
    errors = [o.error for o in outcomes if o.error]
    refusals = Counter(text for o in outcomes for text in o.refusals)
    cross_talk = foreign_mentions + chat.misdirected_edits + strangers + extra
    return {
        "users": users,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(memory.peak / MIB, 1),
        "rss_delta_mb": round((memory.peak - memory.baseline) / MIB, 1),
        "users_logged_in": sum(o.logged_in for o in outcomes),
        "users_exact_files": exact,
        "batches_per_user": [
            min((o.batches for o in outcomes), default=0),
            max((o.batches for o in outcomes), default=0),
        ],
        "files_expected": sum(sum(c.values()) for c in expected.values()),
        "files_received": sum(len(c.documents) for c in chat.chats.values()),
        "uploads": chat.uploads,
        "sent_by_remote_id": chat.by_id,
        "jobs": sum(o.jobs for o in outcomes),
        "peak_running_jobs": peak_running,
        "max_jobs": max_jobs,
        "job_limit_held": peak_running <= max_jobs,
        "cross_talk": cross_talk,
        "cross_talk_detail": {
            "foreign_mentions": foreign_mentions,
            "misdirected_edits": chat.misdirected_edits,
            "messages_to_unknown_chats": strangers,
            "foreign_documents": extra,
        },
        "refusals": dict(refusals),
        "user_errors": len(errors),
        "user_error_samples": errors[:3],
        "files_lost": lost,
        "files_corrupted": extra,
    }


def run(size: str, workdir: Path) -> dict[str, object]:
    users = USERS.get(size, USERS["smoke"])
    workdir.mkdir(parents=True, exist_ok=True)
    return asyncio.run(_scenario(users, workdir))


if __name__ == "__main__":
    sys.exit(main())
