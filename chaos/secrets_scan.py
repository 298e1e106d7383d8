"""Secrets and access control: run everything that handles a secret, capture everything cpbatch
says, and look for every secret in it.

What runs, against the ClassPlus simulator on loopback:
  * the real CLI (`python -m cpbatch`, LOG_LEVEL=DEBUG): a sync WITH injected faults
    (5xx, 429, connection resets), an expired and a forged token, a MongoDB URI with a password
    (MONGODB_TIMEOUT=0.5: it must fail with the password redacted), and `cpbatch bot` with bot
    settings that stop it at start; `cpbatch login` (mobile and OTP typed on standard input),
    `status`, a command on the stored login, `--token -` and `logout`, with the login key in a
    key file (no OS keyring), whose contents are a secret too;
  * the real composed bot (Container: SQLite, Fernet, the ClassPlus adapter, the
    conversation, the Pyrogram chat adapter) with only the Telegram network replaced by a fake
    client: /login (org, mobile, OTP, a wrong OTP first), /token in one message and in steps,
    /getbatches, a file and "Download all"; then the access-control probes (a stranger, forged
    and foreign buttons, admin-only commands, a burst over the rate limit);
  * a restart with a wrong SECRET_KEY (a clear CredentialError text, ciphertext unchanged), and
    one with the right key again (the login still works).

In-process logs are captured at DEBUG through cpbatch's own logging setup (both renderers,
console and JSON); subprocess logs are their stderr. Every log line, CLI output, chat message,
callback answer, document caption, exception message and repr is then searched for every secret:
each ClassPlus token (and its payload and signature parts), each OTP, the bot token, the API
hash, the MongoDB password and SECRET_KEY. The SQLite files (with -wal and -shm) are searched
for every token in plaintext.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import itertools
import logging
import os
import re
import secrets
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

REPO_ROOT = Path(__file__).resolve().parent.parent
ORG = "learnwell"
ASHA = "9000000001"  # learnwell: logs in with /login (mobile + OTP)
KABIR = "9000000004"  # learnwell: logged in with /token in one message
ADMIN, ALICE, CAROL, BURSTER, FORGER, STRANGER = 4242, 5001, 5002, 5003, 5004, 999_001
CLI_TIMEOUT_S = 300.0
NULL_KEYRING = "keyring.backends.null.Keyring"  # no OS keyring: the login key goes to a file
BURST_FACTOR = 2  # a burst of this many times the per-minute allowance, at once
CONTEXT_CHARS = 40
# Environment variables cpbatch reads: never inherited by the subprocesses.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")


# -- evidence ------------------------------------------------------------------------------


@dataclass
class Evidence:
    """Every secret used, and every text and file to search for them."""

    secrets: dict[str, str] = field(default_factory=dict)  # value -> what it is
    tokens: set[str] = field(default_factory=set)  # ClassPlus tokens and their parts
    short: set[str] = field(default_factory=set)  # OTPs: matched as whole numbers only
    logs: list[tuple[str, str]] = field(default_factory=list)  # (where, text)
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (where, text)
    at_rest: list[Path] = field(default_factory=list)

    def secret(self, what: str, value: str | None) -> None:
        if value:
            self.secrets.setdefault(value, what)

    def token(self, what: str, token: str) -> None:
        """A ClassPlus token, its payload and its signature (the header is the same for all
        tokens and says nothing)."""
        _header, payload, signature = token.split(".")
        for part, value in (
            (what, token),
            (f"{what} payload", payload),
            (f"{what} signature", signature),
        ):
            self.secret(part, value)
            self.tokens.add(value)

    def otp(self, what: str, value: str | None) -> None:
        if value:
            self.secret(what, value)
            self.short.add(value)

    def output(self, where: str, text: str | None) -> None:
        if text:
            self.outputs.append((where, text))

    def log(self, where: str, text: str) -> None:
        if text:
            self.logs.append((where, text))


@dataclass(frozen=True)
class Finding:
    secret: str  # what it is, never its value
    where: str
    context: str  # the text around it, the secret itself masked

    def describe(self) -> str:
        return f"{self.secret} in {self.where}: …{self.context}…"


def _occurrences(text: str, value: str, whole_number: bool) -> Iterator[int]:
    if whole_number:
        pattern = re.compile(rf"(?<![0-9.:]){re.escape(value)}(?![0-9])")
        yield from (m.start() for m in pattern.finditer(text))
        return
    start = text.find(value)
    while start != -1:
        yield start
        start = text.find(value, start + 1)


_BOX_DRAWING = str.maketrans(dict.fromkeys("│╭╮╰╯─┃━", " "))


def scan(evidence: Evidence) -> list[Finding]:
    findings: list[Finding] = []
    for where, text in [*evidence.logs, *evidence.outputs]:
        for value, what in evidence.secrets.items():
            for at in _occurrences(text, value, value in evidence.short):
                lo, hi = at - 4 * CONTEXT_CHARS, at + len(value) + 4 * CONTEXT_CHARS
                before = _masked(evidence, text[max(0, lo) : at])
                after = _masked(evidence, text[at + len(value) : hi])
                context = (
                    f"{_around(before, tail=True, cut=lo > 0)}<{what}>"
                    f"{_around(after, tail=False, cut=hi < len(text))}"
                )
                findings.append(Finding(what, where, context))
    return findings


def _around(text: str, *, tail: bool, cut: bool) -> str:
    """CONTEXT_CHARS of `text` next to a finding, whole words only: a word cut at the edge
    could be part of a secret that is not masked as a whole."""
    words = text.translate(_BOX_DRAWING).split()
    kept: list[str] = []
    for word in reversed(words) if tail else words:
        if sum(len(w) + 1 for w in kept) + len(word) > CONTEXT_CHARS:
            cut = True
            break
        kept.append(word)
    if cut and len(kept) == len(words) and kept:
        kept.pop()  # the window's own edge word
    if tail:
        kept.reverse()
    joined = " ".join(kept)
    if not joined:
        return ""
    if tail:
        return joined + (" " if text[-1:].isspace() else "")
    return (" " if text[:1].isspace() else "") + joined


def _masked(evidence: Evidence, text: str) -> str:
    """`text` with every secret in it replaced by what it is: a finding's context must not
    carry a neighbouring secret into the results file."""
    for value, what in sorted(evidence.secrets.items(), key=lambda item: -len(item[0])):
        if value not in evidence.short:
            text = text.replace(value, f"<{what}>")
    return text


def scan_at_rest(evidence: Evidence) -> list[Finding]:
    """Plaintext tokens (whole, payload or signature) and SECRET_KEY in stored files."""
    findings: list[Finding] = []
    for path in evidence.at_rest:
        if not path.is_file():
            continue
        data = path.read_bytes()
        for value, what in evidence.secrets.items():
            stored_secret = value in evidence.tokens or what.startswith("SECRET_KEY")
            if stored_secret and value.encode() in data:
                findings.append(Finding(what, str(path.name), "(bytes of the file)"))
    return findings


def self_check(evidence: Evidence, scratch: Path) -> bool:
    """The scanners find every secret when it is there (a positive control): each secret
    planted in a log line and, for stored ones, in a file."""
    planted = Evidence(secrets=dict(evidence.secrets), tokens=set(evidence.tokens))
    planted.short = set(evidence.short)
    for value in evidence.secrets:
        planted.log("planted", f"2024-01-01T00:00:00.123456Z [debug] event value={value} next")
    found = {f.secret for f in scan(planted)}
    probe = scratch / "self-check.bin"
    stored = [
        v
        for v, what in evidence.secrets.items()
        if v in evidence.tokens or what.startswith("SECRET_KEY")
    ]
    probe.write_bytes(b"\x00".join(v.encode() for v in stored))
    planted.at_rest = [probe]
    found_at_rest = len(scan_at_rest(planted))
    probe.unlink()
    return found == set(evidence.secrets.values()) and found_at_rest == len(stored)


@contextmanager
def captured_logs() -> Iterator[list[io.StringIO]]:
    """cpbatch's own logging setup at DEBUG, once per renderer (JSON and console), writing to
    buffers instead of stderr. The previous logging and structlog configuration is put back
    afterwards, and no logger is cached meanwhile (a cached logger would keep this setup)."""
    import structlog

    from cpbatch.entrypoints.logging_setup import configure_logging

    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("aiohttp.access", "asyncio")}
    saved_structlog = structlog.get_config()
    buffers: list[io.StringIO] = []
    handlers: list[logging.Handler] = []
    for fmt in ("json", "console"):
        configure_logging("DEBUG", fmt)
        handler = root.handlers[0]
        buffer = io.StringIO()
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
        buffers.append(buffer)
        handlers.append(handler)
    structlog.configure(cache_logger_on_first_use=False)
    root.handlers[:] = handlers
    try:
        yield buffers
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in noisy.items():
            logging.getLogger(name).setLevel(level)
        structlog.configure(**saved_structlog)


# -- the CLI ---------------------------------------------------------------------------------


@dataclass
class CliRun:
    label: str
    code: int
    stdout: str
    stderr: str


async def run_cli(
    evidence: Evidence,
    label: str,
    base_url: str,
    data_dir: Path,
    *args: str,
    env_file: str = "/nonexistent.env",
    **env: str,
) -> CliRun:
    """The real CLI in a subprocess, at DEBUG, against the simulator."""
    return await _cli(evidence, label, base_url, data_dir, args, env_file, None, env)


async def run_cli_answering(
    evidence: Evidence,
    label: str,
    base_url: str,
    data_dir: Path,
    *args: str,
    answers: Callable[[], AsyncIterator[str]],
    **env: str,
) -> CliRun:
    """`run_cli` with `answers` typed on standard input, a line at a time, each when it is
    known (an OTP once it was sent)."""
    return await _cli(evidence, label, base_url, data_dir, args, "/nonexistent.env", answers, env)


async def _cli(
    evidence: Evidence,
    label: str,
    base_url: str,
    data_dir: Path,
    args: tuple[str, ...],
    env_file: str,
    answers: Callable[[], AsyncIterator[str]] | None,
    env: dict[str, str],
) -> CliRun:
    environment = {k: v for k, v in os.environ.items() if k in _INHERITED}
    environment.update(
        CLASSPLUS_BASE_URL=base_url,
        CLASSPLUS_FILE_HOSTS="127.0.0.1",
        CLASSPLUS_ALLOW_LOOPBACK="true",
        RATE_LIMIT_REQUESTS="500",
        RETRY_BACKOFF_FACTOR="0.01",
        DATA_DIR=str(data_dir),
        DOWNLOAD_DIR=str(data_dir / "downloads"),
        LOG_LEVEL="DEBUG",
        COLUMNS="200",
    )
    environment.update(env)
    # An empty value removes a variable (cpbatch reads an empty one as unset anyway), so the
    # --env-file can provide it.
    environment = {key: value for key, value in environment.items() if value}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cpbatch",
        *args,
        "--env-file",
        env_file,
        cwd=REPO_ROOT,
        env=environment,
        stdin=asyncio.subprocess.DEVNULL if answers is None else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    if answers is not None and process.stdin is not None:
        async for line in answers():
            process.stdin.write(line.encode() + b"\n")
            await process.stdin.drain()
        process.stdin.close()
    out, err = await asyncio.wait_for(process.communicate(), timeout=CLI_TIMEOUT_S)
    result = CliRun(
        label, process.returncode or 0, out.decode(errors="replace"), err.decode(errors="replace")
    )
    evidence.output(f"cli {label} stdout", result.stdout)
    evidence.log(f"cli {label} stderr", result.stderr)
    return result


# -- a Telegram client double (pyrogram objects in, recorded calls out) ------------------------


@dataclass
class ChatMessage:
    chat_id: int
    message_id: int
    text: str
    buttons: list[tuple[str, str]]  # (label, callback data)


@dataclass
class SentFile:
    chat_id: int
    sha256: str | None
    by_id: bool
    caption: str


class FakeTelegram:
    """Stands in for pyrogram's Client at the network boundary: the real update handlers get
    real pyrogram objects (messages and callback queries); what the bot sends is recorded."""

    def __init__(self) -> None:
        self.handlers: list[Any] = []
        self.messages: dict[int, ChatMessage] = {}
        self.texts: list[tuple[int, str]] = []
        self.edits: list[tuple[int, str]] = []
        self.deleted: list[tuple[int, int]] = []
        self.documents: list[SentFile] = []
        self.answers: dict[str, tuple[str | None, bool]] = {}
        self.pressed: dict[str, int] = {}  # callback id -> who pressed
        self.typed: list[tuple[int, int, str]] = []  # (user, message id, text)
        self.is_connected = True
        self._ids = itertools.count(10_000)
        self._file_sha: dict[str, str] = {}

    # -- what pyrogram's Client offers and the bot calls --
    def add_handler(self, handler: Any, group: int = 0) -> None:
        self.handlers.append(handler)

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        self.texts.append((chat_id, text))
        message_id = next(self._ids)
        self.messages[message_id] = ChatMessage(chat_id, message_id, text, _buttons(kwargs))
        return self._message(chat_id, message_id)

    async def edit_message_text(
        self, chat_id: int, message_id: int, text: str, **kwargs: Any
    ) -> Any:
        self.edits.append((chat_id, text))
        self.messages[message_id] = ChatMessage(chat_id, message_id, text, _buttons(kwargs))
        return self._message(chat_id, message_id)

    async def delete_messages(self, chat_id: int, message_ids: Any, **_: Any) -> int:
        ids = message_ids if isinstance(message_ids, list) else [message_ids]
        self.deleted.extend((chat_id, i) for i in ids)
        return len(ids)

    async def answer_callback_query(
        self, callback_query_id: str, text: str | None = None, show_alert: bool = False, **_: Any
    ) -> bool:
        self.answers[callback_query_id] = (text, bool(show_alert))
        return True

    async def send_document(
        self, chat_id: int, document: Any, caption: str = "", **kwargs: Any
    ) -> Any:
        from pyrogram import types

        if isinstance(document, Path):
            digest = hashlib.sha256(document.read_bytes()).hexdigest()
            progress = kwargs.get("progress")
            if progress is not None:
                size = document.stat().st_size
                await progress(size, size)
            file_id = f"tg-{digest}"
            self._file_sha[file_id] = digest
            self.documents.append(SentFile(chat_id, digest, False, caption))
        else:
            file_id = str(document)
            self.documents.append(SentFile(chat_id, self._file_sha.get(file_id), True, caption))
        message = self._message(chat_id, next(self._ids))
        message.document = types.Document(file_id=file_id, file_unique_id=file_id[-12:])
        return message

    # -- what a user does --
    async def type(self, user_id: int, text: str) -> int:
        from pyrogram import enums, types
        from pyrogram.handlers import MessageHandler

        message = types.Message(
            id=next(self._ids),
            chat=types.Chat(id=user_id, type=enums.ChatType.PRIVATE),
            from_user=types.User(id=user_id),
            text=cast(Any, text),  # pyrogram's Str is a str with entities; a str does
        )
        self.typed.append((user_id, int(message.id), text))
        for handler in self.handlers:
            if isinstance(handler, MessageHandler):
                await handler.callback(self, message)
        return int(message.id)

    async def press(self, user_id: int, message_id: int, data: str) -> str:
        """Press a button (or send any callback data) under `message_id`; the callback id."""
        from pyrogram import enums, types
        from pyrogram.handlers import CallbackQueryHandler

        callback_id = f"cb{next(self._ids)}"
        self.pressed[callback_id] = user_id
        query = types.CallbackQuery(
            client=None,
            id=callback_id,
            from_user=types.User(id=user_id),
            chat_instance="chaos",
            message=types.Message(
                id=message_id, chat=types.Chat(id=user_id, type=enums.ChatType.PRIVATE)
            ),
            data=data,
        )
        for handler in self.handlers:
            if isinstance(handler, CallbackQueryHandler):
                await handler.callback(self, query)
        return callback_id

    async def press_label(self, user_id: int, label: str) -> str:
        message, data = self.button(user_id, label)
        return await self.press(user_id, message.message_id, data)

    # -- looking at what happened --
    def button(self, chat_id: int, label: str) -> tuple[ChatMessage, str]:
        for message in sorted(self.messages.values(), key=lambda m: -m.message_id):
            if message.chat_id != chat_id:
                continue
            for text, data in message.buttons:
                if label in text:
                    return message, data
        raise LookupError(f"no button with {label!r} in chat {chat_id}")

    def keys_of(self, chat_id: int) -> list[tuple[int, str]]:
        return [
            (m.message_id, data)
            for m in self.messages.values()
            if m.chat_id == chat_id
            for _, data in m.buttons
        ]

    def said_to(self, chat_id: int) -> list[str]:
        return [text for chat, text in self.texts if chat == chat_id]

    def footprint(self, chat_id: int) -> tuple[int, int, int]:
        """(texts, edits, documents) the bot has sent this chat so far."""
        return (
            len(self.said_to(chat_id)),
            sum(1 for chat, _ in self.edits if chat == chat_id),
            sum(1 for d in self.documents if d.chat_id == chat_id),
        )

    def _message(self, chat_id: int, message_id: int) -> Any:
        from pyrogram import enums, types

        return types.Message(
            id=message_id, chat=types.Chat(id=chat_id, type=enums.ChatType.PRIVATE)
        )


def _buttons(kwargs: dict[str, Any]) -> list[tuple[str, str]]:
    markup = kwargs.get("reply_markup")
    rows = getattr(markup, "inline_keyboard", None) or []
    return [(str(b.text), str(b.callback_data)) for row in rows for b in row]


# -- the composed bot --------------------------------------------------------------------------


@dataclass
class BotRun:
    client: FakeTelegram
    conversation: Any  # application.bot.conversation.BotConversation
    policy: Any  # application.bot.settings.BotPolicy, as the container built it


async def _eventually(check: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("a condition was not reached in time")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def composed_bot(base_url: str, data_dir: Path, bot_settings: Any) -> AsyncIterator[BotRun]:
    """`cpbatch bot` as Container composes it, with a FakeTelegram for the Telegram client."""
    from dependency_injector import providers

    from cpbatch.entrypoints.bootstrap import resolved
    from cpbatch.entrypoints.bot_runner import serve_bot
    from cpbatch.entrypoints.config import load_settings
    from cpbatch.entrypoints.container import Container

    settings = load_settings(
        {
            "CLASSPLUS_BASE_URL": base_url,
            "CLASSPLUS_FILE_HOSTS": "127.0.0.1",
            "CLASSPLUS_ALLOW_LOOPBACK": "true",
            "RATE_LIMIT_REQUESTS": "500",
            "RETRY_BACKOFF_FACTOR": "0.01",
            "DATA_DIR": str(data_dir),
            "LOG_LEVEL": "DEBUG",
        },
        env_file=None,
    )
    container = Container(settings=settings, bot_settings=bot_settings)
    client = FakeTelegram()

    async def started_client() -> AsyncIterator[FakeTelegram]:
        yield client  # the real resource starts and stops a pyrogram Client here

    container.telegram_client.override(providers.Resource(started_client))
    stop: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    serving = asyncio.create_task(serve_bot(container, settings, stop))
    await _eventually(lambda: len(client.handlers) == 2 or serving.done())
    if serving.done():
        serving.result()  # raises what stopped it
    conversation = await resolved(container.conversation())
    try:
        yield BotRun(client, conversation, container.policy())
    finally:
        stop.set_result(None)
        await asyncio.wait_for(serving, timeout=30)


def _credential_rows(data_dir: Path) -> dict[tuple[int, str], bytes]:
    """The stored ciphertexts, read directly from the SQLite file (read-only)."""
    path = data_dir / "metadata.sqlite3"
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT user_id, org_code, ciphertext FROM credentials"
        ).fetchall()
    finally:
        connection.close()
    return {(int(user), str(org)): bytes(blob) for user, org, blob in rows}


def _sqlite_files(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("metadata.sqlite3*"))


# -- the scenario ------------------------------------------------------------------------------


@dataclass
class Figures:
    cli_codes: dict[str, int] = field(default_factory=dict)
    mongo_password_redacted: bool = False
    bot_logins: int = 0
    files_delivered: int = 0
    files_delivered_ok: bool = False
    wrong_key_clear_error: bool = False
    wrong_key_data_kept: bool = False
    secret_messages_deleted: int = 0
    secret_messages_sent: int = 0
    access: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _bot_settings(evidence: Evidence, secret_key: str, bot_token: str, api_hash: str) -> Any:
    from cpbatch.entrypoints.bot_config import BotSettings

    settings = BotSettings(
        bot_token=bot_token,
        api_id=12345,
        api_hash=api_hash,
        secret_key=secret_key,
        admin_user_ids=frozenset({ADMIN}),
        allowed_user_ids=frozenset({ALICE, CAROL, BURSTER, FORGER}),
        progress_interval_s=1.0,
    )
    evidence.output("repr(BotSettings)", repr(settings))
    return settings


async def _cli_part(
    evidence: Evidence, figures: Figures, sim: Any, workdir: Path, full: bool
) -> None:
    from cpbatch.entrypoints.simulator import FaultConfig

    token = sim.token_for(ORG, ASHA)
    expired, forged = sim.expired_token(ORG), sim.forged_token(ORG)
    evidence.token("ClassPlus token (CLI sync)", token)
    evidence.token("expired ClassPlus token", expired)
    evidence.token("forged ClassPlus token", forged)
    data = workdir / "cli-data"
    evidence.at_rest.extend(
        [data / "metadata.sqlite3", data / "metadata.sqlite3-wal", data / "metadata.sqlite3-shm"]
    )

    sim.faults = FaultConfig(
        rate_5xx=0.08, rate_429=0.03, retry_after_s=1.0, rate_reset=0.06, seed=20_241
    )
    sim.stats.reset()
    del full  # the whole org in both sizes: it takes a few seconds
    sync = await run_cli(
        evidence, "sync with faults", sim.base_url, data, "sync", ORG, "--json",
        "--concurrency", "8", CLASSPLUS_TOKEN=token, LOG_FORMAT="json",
    )  # fmt: skip
    figures.cli_codes["sync_with_faults"] = sync.code
    faulted = sum(n for status, n in sim.stats.statuses.items() if status >= 429)
    figures.notes.append(f"sync with faults: exit {sync.code}, {faulted} faulty answers served")
    sim.faults = None

    for label, bad in (("expired token", expired), ("forged token", forged)):
        result = await run_cli(evidence, label, sim.base_url, data, "batches", ORG, "--token", bad)
        figures.cli_codes[label.replace(" ", "_")] = result.code
    again = await run_cli(
        evidence, "files, expired token in env", sim.base_url, data, "files", ORG, "73001",
        "--json", CLASSPLUS_TOKEN=expired,
    )  # fmt: skip
    figures.cli_codes["files_expired_token"] = again.code

    password = "pw" + secrets.token_hex(10)
    evidence.secret("MongoDB password", password)
    mongo = await run_cli(
        evidence, "mongodb unreachable", sim.base_url, data, "batches", ORG,
        CLASSPLUS_TOKEN=token,
        MONGODB_URI="mongodb://chaos:" + f"{password}@127.0.0.1:1/?directConnection=true",
        MONGODB_TIMEOUT="0.5",
    )  # fmt: skip
    figures.cli_codes["mongodb_unreachable"] = mongo.code
    figures.mongo_password_redacted = mongo.code == 7 and "chaos:***@127.0.0.1" in mongo.stderr


async def _cli_login_part(evidence: Evidence, figures: Figures, sim: Any, workdir: Path) -> None:
    """`cpbatch login` (mobile, then the OTP, typed on standard input), `status`, a command
    on the stored login, `--token -`, `logout`: the OTP, the token the login got and the key
    it is kept under must appear nowhere."""
    data = workdir / "cli-login-data"
    evidence.at_rest.extend(
        [data / "metadata.sqlite3", data / "metadata.sqlite3-wal", data / "metadata.sqlite3-shm"]
    )
    before, started = sim.otp_for(ASHA), int(time.time())
    sent: list[str] = []

    async def person() -> AsyncIterator[str]:
        yield ASHA
        otp = await _new_otp(sim, before)
        evidence.otp("OTP (cpbatch login)", otp)
        sent.append(otp)
        yield otp

    login = await run_cli_answering(
        evidence, "login", sim.base_url, data, "login", ORG,
        answers=person, PYTHON_KEYRING_BACKEND=NULL_KEYRING,
    )  # fmt: skip
    figures.cli_codes["cli_login"] = login.code
    org, user = sim._org_user(ORG, ASHA)  # our own simulator: every token it could have minted
    for second in range(started - 1, int(time.time()) + 2):
        evidence.token("ClassPlus token (cpbatch login)", sim._state.tokens.mint(org, user, second))
    key_file = data / "cli-login.key"
    if key_file.is_file():
        evidence.secret("CLI login key", key_file.read_text(encoding="utf-8").strip())
    status = await run_cli(
        evidence, "status", sim.base_url, data, "status", PYTHON_KEYRING_BACKEND=NULL_KEYRING
    )
    stored = await run_cli(
        evidence, "batches, stored login", sim.base_url, data, "batches", ORG,
        PYTHON_KEYRING_BACKEND=NULL_KEYRING,
    )  # fmt: skip
    token = sim.token_for(ORG, KABIR)
    evidence.token("ClassPlus token (--token -)", token)

    async def typed_token() -> AsyncIterator[str]:
        yield token

    piped = await run_cli_answering(
        evidence, "batches, --token -", sim.base_url, data, "batches", ORG, "--token", "-",
        answers=typed_token, PYTHON_KEYRING_BACKEND=NULL_KEYRING,
    )  # fmt: skip
    logout = await run_cli(
        evidence, "logout", sim.base_url, data, "logout", ORG, PYTHON_KEYRING_BACKEND=NULL_KEYRING
    )
    for label, run in (("cli_status", status), ("cli_stored_login", stored),
                       ("cli_token_stdin", piped), ("cli_logout", logout)):  # fmt: skip
        figures.cli_codes[label] = run.code
    figures.notes.append(
        f"cpbatch login: exit {login.code} (OTP typed {'yes' if sent else 'no'}), status "
        f"{status.code}, batches on the stored login {stored.code}, --token - {piped.code}, "
        f"logout {logout.code}"
    )


async def _new_otp(sim: Any, before: str | None, timeout_s: float = 30.0) -> str:
    """The OTP the simulator sends once `cpbatch login` asked for one."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        otp = sim.otp_for(ASHA)
        if otp is not None and otp != before:
            return str(otp)
        await asyncio.sleep(0.05)
    raise RuntimeError("cpbatch login never asked ClassPlus for an OTP")


async def _startup_crash_part(
    evidence: Evidence, figures: Figures, sim: Any, workdir: Path
) -> None:
    """A deployment's .env with every secret in it, and one setting that makes start-up fail
    in an unexpected way (a path with an unknown ~user): what does the error print?"""
    token = sim.token_for(ORG, ASHA)
    password = "pw" + secrets.token_hex(10)
    bot_token = f"{secrets.randbelow(10**9) + 10**8}:{secrets.token_urlsafe(30)}"
    api_hash, secret_key = secrets.token_hex(16), _new_secret_key()
    evidence.token("ClassPlus token (.env)", token)
    evidence.secret("MongoDB password (.env)", password)
    evidence.secret("bot token (.env)", bot_token)
    evidence.secret("API hash (.env)", api_hash)
    evidence.secret("SECRET_KEY (.env)", secret_key)
    env_file = workdir / "deployment.env"
    env_file.write_text(
        f"CLASSPLUS_TOKEN={token}\n"
        f"SECRET_KEY={secret_key}\n"
        f"BOT_TOKEN={bot_token}\n"
        f"TELEGRAM_API_ID=12345\n"
        f"TELEGRAM_API_HASH={api_hash}\n"
        "MONGODB_URI=mongodb://chaos:" + f"{password}@127.0.0.1:1/\n"
        "DATA_DIR=~chaos-no-such-user/cpbatch\n",
        encoding="utf-8",
    )
    env_file.chmod(0o600)
    result = await run_cli(
        evidence, "start-up error, secrets in .env", sim.base_url, workdir / "crash-data",
        "batches", ORG, env_file=str(env_file), DATA_DIR="",
    )  # fmt: skip
    figures.cli_codes["startup_error_with_env_file"] = result.code


async def _bot_config_part(evidence: Evidence, figures: Figures, sim: Any, workdir: Path) -> None:
    """`cpbatch bot` and the settings loader with bad bot settings: the variable is named,
    no value is shown. (A bot that would start needs the Telegram network: not run here.)"""
    from cpbatch.adapters.crypto.secret_key import fernet_keys
    from cpbatch.domain.errors import CpbatchError
    from cpbatch.entrypoints.bot_config import load_bot_settings

    bot_token = f"{secrets.randbelow(10**9) + 10**8}:{secrets.token_urlsafe(30)}"
    api_hash = secrets.token_hex(16)
    secret_key = _new_secret_key()
    evidence.secret("bot token (config run)", bot_token)
    evidence.secret("API hash (config run)", api_hash)
    evidence.secret("SECRET_KEY (config run)", secret_key)
    common = {
        "BOT_TOKEN": bot_token,
        "TELEGRAM_API_ID": "12345",
        "TELEGRAM_API_HASH": api_hash,
        "SECRET_KEY": secret_key,
    }
    result = await run_cli(
        evidence, "bot without admins", sim.base_url, workdir / "bot-config", "bot", **common
    )
    figures.cli_codes["bot_without_admins"] = result.code
    probes: list[tuple[str, dict[str, str]]] = [
        ("no admins", {**common}),
        (
            "hash upper-cased",
            {**common, "TELEGRAM_API_HASH": api_hash.upper(), "ADMIN_USER_IDS": "1"},
        ),
        ("token cut", {**common, "BOT_TOKEN": bot_token[:20], "ADMIN_USER_IDS": "1"}),
    ]
    evidence.secret("API hash (upper-cased)", api_hash.upper())
    evidence.secret("bot token (cut)", bot_token[:20])
    for label, env in probes:
        try:
            load_bot_settings(env, env_file=None)
        except CpbatchError as error:
            evidence.output(f"load_bot_settings: {label}", f"{error!s} {error!r}")
    mispasted = secret_key[:-2]
    evidence.secret("SECRET_KEY (mis-pasted)", mispasted)
    try:
        fernet_keys(mispasted)
    except CpbatchError as error:
        evidence.output("fernet_keys: mis-pasted key", f"{error!s} {error!r}")


def _new_secret_key() -> str:
    from cpbatch.adapters.crypto import generate_secret_key

    return generate_secret_key()


async def _login_with_otp(run: BotRun, sim: Any, evidence: Evidence) -> bool:
    client = run.client
    await client.type(ADMIN, "/login")
    await client.type(ADMIN, ORG)
    await client.type(ADMIN, ASHA)
    otp = sim.otp_for(ASHA)
    evidence.otp("OTP", otp)
    wrong = "000000" if otp != "000000" else "111111"
    await client.type(ADMIN, wrong)
    await client.type(ADMIN, otp or "")
    return any("Logged in" in text for text in client.said_to(ADMIN))


async def _logins_by_token(run: BotRun, sim: Any, evidence: Evidence) -> int:
    client = run.client
    kabir = sim.token_for(ORG, KABIR)
    evidence.token("ClassPlus token (/token in one message)", kabir)
    await client.type(ALICE, f"/token {ORG} {kabir}")
    # In steps, with an expired token pasted first: refused, asked again, then the right one.
    rohan = sim.token_for("brightpath")
    stale = sim.expired_token("brightpath")
    evidence.token("ClassPlus token (/token in steps)", rohan)
    evidence.token("expired ClassPlus token (bot)", stale)
    await client.type(CAROL, "/token")
    await client.type(CAROL, "brightpath")
    await client.type(CAROL, stale)
    await client.type(CAROL, rohan)
    return sum(1 for user in (ALICE, CAROL) if any("Logged in" in t for t in client.said_to(user)))


async def _browse_and_download(run: BotRun, sim: Any) -> tuple[int, bool]:
    from cpbatch.entrypoints.simulator.content import ContentSource
    from cpbatch.entrypoints.simulator.manifest import build_manifest

    client = run.client
    await client.type(ADMIN, f"/getbatches {ORG}")
    await client.press_label(ADMIN, "Class 11 Morning Batch")
    await client.press_label(ADMIN, "Batch timetable")
    await run.conversation.drain()
    await client.press_label(ADMIN, "Week 1")
    await client.press_label(ADMIN, "Download all")
    await run.conversation.drain()
    await client.type(ALICE, f"/getbatches {ORG}")
    await client.press_label(ALICE, "Weekend Batch")
    await client.press_label(ALICE, "Weekend schedule")
    await run.conversation.drain()
    world = sim.world
    allowed = {
        ADMIN: {
            e["sha256"] for e in build_manifest(world, ContentSource(world.seed), "", ORG, ASHA)
        },
        ALICE: {
            e["sha256"] for e in build_manifest(world, ContentSource(world.seed), "", ORG, KABIR)
        },
    }
    sent = [d for d in client.documents if d.chat_id in allowed]
    ok = bool(sent) and all(d.sha256 in allowed[d.chat_id] for d in sent)
    return len(sent), ok


async def _access_control(run: BotRun, sim: Any, evidence: Evidence) -> dict[str, object]:
    from cpbatch.application.bot import delivery_texts, texts

    client = run.client
    jobs = run.conversation._jobs  # the engine's JobManager: no public accessor
    # A stranger: one refusal, then silence, whatever they send or press.
    stranger_token = sim.forged_token(ORG)
    evidence.token("forged ClassPlus token (stranger)", stranger_token)
    admin_keys = client.keys_of(ADMIN)
    for text in (
        "/start",
        f"/getbatches {ORG}",
        f"/token {ORG} {stranger_token}",
        "/help",
        "hello",
    ):
        await client.type(STRANGER, text)
    for message_id, data in admin_keys[:5]:
        await client.press(STRANGER, message_id, data)
    await client.press(STRANGER, 1, secrets.token_urlsafe(9))
    stranger_texts, stranger_edits, stranger_files = client.footprint(STRANGER)
    stranger_answers = [
        cid for cid, (text, _) in client.answers.items() if text and client.pressed[cid] == STRANGER
    ]
    stranger_refusals = client.said_to(STRANGER).count(texts.REFUSAL)

    # Forged and foreign buttons: real keys of the admin and of Alice pressed by another
    # allowed user, random keys of the right shape, junk. Nothing may change for anyone.
    watched = (ADMIN, ALICE, FORGER)
    before = {user: client.footprint(user) for user in watched}
    junk = (" ", "x" * 64, "ShowBatches(org_code='learnwell')", "../../", "\u202e", "0")
    forged = [
        *admin_keys[:12],
        *client.keys_of(ALICE)[:6],
        *((1, secrets.token_urlsafe(9)) for _ in range(5)),
        *((1, data) for data in junk),
    ]
    stale = 0
    for message_id, data in forged:
        callback_id = await client.press(FORGER, message_id, data)
        answer = client.answers.get(callback_id)
        stale += answer is not None and answer[0] == texts.STALE_BUTTON
    await run.conversation.drain()
    after = {user: client.footprint(user) for user in watched}
    forged_effective = sum(1 for user in watched if after[user] != before[user])

    # Admin-only commands from a non-admin.
    footprint_jobs = jobs.peak_running
    await client.type(ALICE, "/jobs")
    await client.type(ALICE, f"/sync {ORG}")
    await run.conversation.drain()
    alice_said = client.said_to(ALICE)
    admin_only_refused = alice_said[-2:].count(texts.ADMIN_ONLY) + alice_said[-2:].count(
        delivery_texts.SYNC_NEEDS_BATCH
    )
    admin_only_leaked = int(any("Jobs:" in t for t in alice_said)) + int(
        jobs.peak_running > footprint_jobs
    )
    await client.type(ADMIN, "/jobs")
    admin_jobs_answered = any("Jobs:" in t for t in client.said_to(ADMIN))

    # A burst from one allowed user, all at once.
    per_minute = int(run.policy.rate_count)
    if run.policy.rate_period_s != 60.0:
        raise ValueError("the burst check expects a per-minute rate limit")
    burst = BURST_FACTOR * per_minute + 10
    started = time.monotonic()
    await asyncio.gather(*(client.type(BURSTER, "/help") for _ in range(burst)))
    elapsed = time.monotonic() - started
    replies = client.said_to(BURSTER)
    admitted = sum(1 for t in replies if t.startswith("Commands"))
    told = sum(1 for t in replies if "Easy there" in t)
    allowed_max = per_minute + int(elapsed * per_minute / 60.0)
    return {
        "stranger_messages": 5,
        "stranger_presses": min(5, len(admin_keys)) + 1,
        "stranger_refusals": stranger_refusals,
        "stranger_data": stranger_texts
        - stranger_refusals
        + stranger_edits
        + stranger_files
        + len(stranger_answers),
        "stranger_token_message_deleted": any(chat == STRANGER for chat, _ in client.deleted),
        "forged_callbacks": len(forged),
        "forged_callbacks_stale_answer": stale,
        "forged_callbacks_effective": forged_effective,
        "admin_only_refused": admin_only_refused,
        "admin_only_tried": 2,
        "admin_only_leaked": admin_only_leaked,
        "admin_jobs_answered": admin_jobs_answered,
        "burst_sent": burst,
        "burst_admitted": admitted,
        "burst_policy_per_minute": per_minute,
        "burst_policy_max": allowed_max,
        "burst_told_once": told == 1,
        "burst_held": per_minute <= admitted <= allowed_max and told == 1,
    }


async def _scenario(evidence: Evidence, figures: Figures, workdir: Path, full: bool) -> None:
    from cpbatch.adapters.crypto import FernetCipher
    from cpbatch.application.bot import texts
    from cpbatch.domain.errors import CredentialError
    from cpbatch.domain.identifiers import AccessToken
    from cpbatch.entrypoints.config import load_settings
    from cpbatch.entrypoints.simulator import run_simulator

    async with run_simulator() as sim:
        await _cli_part(evidence, figures, sim, workdir, full)
        await _cli_login_part(evidence, figures, sim, workdir)
        await _startup_crash_part(evidence, figures, sim, workdir)
        await _bot_config_part(evidence, figures, sim, workdir)

        secret_key, wrong_key = _new_secret_key(), _new_secret_key()
        bot_token = f"{secrets.randbelow(10**9) + 10**8}:{secrets.token_urlsafe(30)}"
        api_hash = secrets.token_hex(16)
        evidence.secret("SECRET_KEY", secret_key)
        evidence.secret("SECRET_KEY (wrong one)", wrong_key)
        evidence.secret("bot token", bot_token)
        evidence.secret("bot token secret part", bot_token.partition(":")[2])
        evidence.secret("API hash", api_hash)
        data = workdir / "bot-data"
        evidence.at_rest.extend(
            [
                data / "metadata.sqlite3",
                data / "metadata.sqlite3-wal",
                data / "metadata.sqlite3-shm",
            ]
        )

        settings = _bot_settings(evidence, secret_key, bot_token, api_hash)
        async with composed_bot(sim.base_url, data, settings) as run:
            logged_in = await _login_with_otp(run, sim, evidence)
            figures.bot_logins = int(logged_in) + await _logins_by_token(run, sim, evidence)
            figures.files_delivered, figures.files_delivered_ok = await _browse_and_download(
                run, sim
            )
            figures.access = await _access_control(run, sim, evidence)
            await run.conversation.drain()
            _bot_outputs(evidence, run.client, "bot")
            carrying = _secret_messages(evidence, run.client)
            figures.secret_messages_sent = len(carrying)
            figures.secret_messages_deleted = len(carrying & set(run.client.deleted))
            # Scanned while the bot runs too: the WAL holds the newest pages until a checkpoint.
            snapshot = workdir / "bot-data-live"
            snapshot.mkdir(exist_ok=True)
            for path in _sqlite_files(data):
                copy = snapshot / path.name
                copy.write_bytes(path.read_bytes())
                evidence.at_rest.append(copy)

        # The token the OTP login produced exists only encrypted: read it back to look for it.
        rows = _credential_rows(data)
        cipher = FernetCipher(secret_key)
        otp_token = cipher.decrypt(rows[(ADMIN, ORG)])
        evidence.token("ClassPlus token (from the OTP login)", otp_token)
        evidence.output(
            "repr(AccessToken)",
            f"{AccessToken.parse(otp_token)!r} {AccessToken.parse(otp_token)!s}",
        )
        evidence.output("repr(FernetCipher)", repr(cipher))
        evidence.output(
            "repr(Settings)",
            repr(
                load_settings({"CLASSPLUS_TOKEN": otp_token, "DATA_DIR": str(data)}, env_file=None)
            ),
        )

        # Restart with a wrong SECRET_KEY: a clear refusal, nothing rewritten.
        before = _credential_rows(data)
        try:
            FernetCipher(wrong_key).decrypt(before[(ADMIN, ORG)])
            direct_clear = False
        except CredentialError as error:
            direct_clear = "SECRET_KEY" in str(error)
            evidence.output("CredentialError", f"{error!s} {error!r}")
        wrong_settings = _bot_settings(evidence, wrong_key, bot_token, api_hash)
        async with composed_bot(sim.base_url, data, wrong_settings) as run:
            await run.client.type(ADMIN, f"/getbatches {ORG}")
            await run.client.type(ALICE, f"/sync {ORG} 73003")
            await run.conversation.drain()
            wrong_answers = run.client.said_to(ADMIN) + run.client.said_to(ALICE)
            _bot_outputs(evidence, run.client, "bot (wrong key)")
        told_clearly = wrong_answers.count(texts.CREDENTIAL_UNREADABLE) >= 1
        figures.wrong_key_clear_error = direct_clear and told_clearly
        after = _credential_rows(data)

        # ... and the right key again: the same rows still open the account.
        async with composed_bot(sim.base_url, data, settings) as run:
            await run.client.type(ADMIN, f"/getbatches {ORG}")
            works = any("Found" in t for t in run.client.said_to(ADMIN))
            _bot_outputs(evidence, run.client, "bot (right key again)")
        figures.wrong_key_data_kept = before == after and bool(before) and works
        if before != after:
            figures.notes.append("the wrong-key restart changed stored ciphertext")


def _secret_messages(evidence: Evidence, client: FakeTelegram) -> set[tuple[int, int]]:
    """(chat, message id) of every message an allowed user sent that carried a token or an
    OTP (a stranger's messages are never read, so they are not expected to be deleted)."""
    return {
        (user, message_id)
        for user, message_id, text in client.typed
        if user != STRANGER
        and (any(value in text for value in evidence.tokens) or text.strip() in evidence.short)
    }


def _bot_outputs(evidence: Evidence, client: FakeTelegram, where: str) -> None:
    for chat, text in client.texts:
        evidence.output(f"{where}: message to {chat}", text)
    for chat, text in client.edits:
        evidence.output(f"{where}: edit in {chat}", text)
    for callback_id, (answer, _) in client.answers.items():
        evidence.output(f"{where}: answer to {callback_id}", answer)
    for document in client.documents:
        evidence.output(f"{where}: caption to {document.chat_id}", document.caption)
    for message in client.messages.values():
        for label, _data in message.buttons:
            evidence.output(f"{where}: button in {message.chat_id}", label)


def run(size: str, workdir: Path) -> dict[str, object]:
    full = size == "full"
    workdir.mkdir(parents=True, exist_ok=True)
    evidence, figures = Evidence(), Figures()
    error: BaseException | None = None
    with captured_logs() as buffers:
        try:
            asyncio.run(_scenario(evidence, figures, workdir, full))
        except Exception as caught:  # the scan still runs over what was captured
            error = caught
            evidence.output("scenario exception", f"{caught!s} {caught!r}")
    for name, buffer in zip(
        ("in-process log (json)", "in-process log (console)"), buffers, strict=True
    ):
        evidence.log(name, buffer.getvalue())
    findings = scan(evidence)
    at_rest = scan_at_rest(evidence)
    scanner_ok = self_check(evidence, workdir)
    log_lines = sum(text.count("\n") + 1 for _, text in evidence.logs)
    figures_out: dict[str, object] = {
        "secrets_checked": len(evidence.secrets),
        "scanner_self_check": scanner_ok,
        "secret_kinds": sorted({_kind(what) for what in evidence.secrets.values()}),
        "log_lines_scanned": log_lines,
        "outputs_scanned": len(evidence.outputs),
        "files_at_rest_scanned": sum(1 for p in evidence.at_rest if p.is_file()),
        "secrets_found": len(findings),
        "findings": [f.describe() for f in findings[:20]],
        "plaintext_tokens_at_rest": len(at_rest),
        "at_rest_findings": [f.describe() for f in at_rest[:20]],
        "wrong_key_clear_error": figures.wrong_key_clear_error,
        "wrong_key_data_kept": figures.wrong_key_data_kept,
        "mongo_password_redacted": figures.mongo_password_redacted,
        "cli_exit_codes": figures.cli_codes,
        "bot_logins": figures.bot_logins,
        "bot_files_delivered": figures.files_delivered,
        "bot_files_entitled": figures.files_delivered_ok,
        "secret_messages_deleted": figures.secret_messages_deleted,
        "secret_messages_sent": figures.secret_messages_sent,
        "access": figures.access,
        "notes": figures.notes,
        "files_lost": 0,
        "files_corrupted": 0 if figures.files_delivered_ok or not figures.files_delivered else 1,
    }
    if error is not None:
        figures_out["error"] = f"{type(error).__name__}: {str(error)[:200]}"
    return figures_out


def _kind(what: str) -> str:
    for kind in (
        "ClassPlus token",
        "OTP",
        "bot token",
        "API hash",
        "MongoDB password",
        "SECRET_KEY",
    ):
        if kind.lower() in what.lower():
            return kind
    return what
