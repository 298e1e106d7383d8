"""PyrogramChat against a fake pyrogram client that raises pyrogram's real errors."""

from __future__ import annotations

import asyncio
import inspect
from collections import defaultdict
from pathlib import Path

import pytest
import structlog
from pyrogram import enums, errors, types

from adapters.telegram import PyrogramChat
from adapters.telegram.outgoing import fit
from application.ports.chat import Button, SentDocument, Upload
from domain.errors import DeliveryError

PART = 512 * 1024


class FakeTelegram:
    """The five Client methods PyrogramChat uses. `fail["send_message"] = [exc, ...]` makes
    the next calls raise those, in order; every call is recorded as (method, args, kwargs)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []
        self.fail: defaultdict[str, list[BaseException]] = defaultdict(list)
        self.reply_none = False
        self._ids = iter(range(100, 10_000))

    async def _record(self, method: str, *args, **kwargs) -> None:
        self.calls.append((method, args, kwargs))
        if self.fail[method]:
            raise self.fail[method].pop(0)

    def _message(self, chat_id: int, **fields) -> types.Message:
        chat = types.Chat(id=chat_id, type=enums.ChatType.PRIVATE)
        return types.Message(id=next(self._ids), chat=chat, **fields)

    async def send_message(self, chat_id, text, **kwargs):
        await self._record("send_message", chat_id, text, **kwargs)
        return self._message(chat_id, text=text)

    async def edit_message_text(self, chat_id, message_id, text, **kwargs):
        await self._record("edit_message_text", chat_id, message_id, text, **kwargs)
        return self._message(chat_id, text=text)

    async def delete_messages(self, chat_id, message_ids, **kwargs):
        await self._record("delete_messages", chat_id, message_ids, **kwargs)
        return 1

    async def answer_callback_query(self, callback_query_id, **kwargs):
        await self._record("answer_callback_query", callback_query_id, **kwargs)
        return True

    async def send_document(self, chat_id, document, progress=None, **kwargs):
        await self._record("send_document", chat_id, document, progress=progress, **kwargs)
        if progress is not None:  # as pyrogram's save_file: after each 512 KiB part
            assert inspect.iscoroutinefunction(progress), "pyrogram would run it in a thread"
            size = Path(document).stat().st_size
            for part in range(1, -(-size // PART) + 1):
                await progress(min(part * PART, size), size)
        if self.reply_none:
            return None
        doc = types.Document(file_id=f"FILE-{len(self.calls)}", file_unique_id="u")
        return self._message(chat_id, document=doc)

    def methods(self) -> list[str]:
        return [method for method, _, _ in self.calls]


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def tg() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def chat(tg, sleeps) -> PyrogramChat:
    return PyrogramChat(tg, flood_wait_cap_s=60, retries=3, max_flood_waits=3, sleep=sleeps)


@pytest.fixture
def pdf(tmp_path) -> Path:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF" + b"x" * (PART + 10))  # two parts
    return path


async def test_send_text_sends_plain_text_with_an_inline_keyboard(chat, tg):
    keyboard = ((Button("Batch A", "b:1"), Button("Batch B", "b:2")), (Button("Back", "back"),))

    message_id = await chat.send_text(42, "Pick __one__ *batch*", keyboard)

    [(method, args, kwargs)] = tg.calls
    assert (method, args) == ("send_message", (42, "Pick __one__ *batch*"))
    assert kwargs["parse_mode"] is enums.ParseMode.DISABLED  # names stay as typed
    markup = kwargs["reply_markup"]
    assert isinstance(markup, types.InlineKeyboardMarkup)
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [[("Batch A", "b:1"), ("Batch B", "b:2")], [("Back", "back")]]
    assert message_id == 100


@pytest.mark.parametrize("keyboard", [None, (), ((),)])
async def test_no_buttons_means_no_keyboard(chat, tg, keyboard):
    await chat.send_text(42, "hello", keyboard)

    assert tg.calls[0][2]["reply_markup"] is None


def test_texts_are_cut_to_telegram_limits_in_utf16_units():
    long = "😀" * 3000  # 6000 UTF-16 units

    cut = fit(long, 4096)

    assert len(cut.encode("utf-16-le")) // 2 <= 4096
    assert cut.endswith("…")
    assert fit("short", 4096) == "short"


async def test_editing_to_the_same_text_is_not_an_error(chat, tg):
    tg.fail["edit_message_text"] = [errors.MessageNotModified()]

    await chat.edit_text(42, 7, "same", ((Button("Stop", "stop"),),))

    assert tg.methods() == ["edit_message_text"]


async def test_editing_a_vanished_message_is_a_delivery_error_without_retries(chat, tg):
    tg.fail["edit_message_text"] = [errors.MessageIdInvalid()]

    with pytest.raises(DeliveryError, match="MESSAGE_ID_INVALID"):
        await chat.edit_text(42, 7, "new text")

    assert tg.methods() == ["edit_message_text"]


@pytest.mark.parametrize(
    "gone", [errors.MessageIdInvalid(), errors.MessageDeleteForbidden(), errors.MessageIdsEmpty()]
)
async def test_deleting_a_message_already_gone_is_fine(chat, tg, gone):
    tg.fail["delete_messages"] = [gone]

    await chat.delete_message(42, 7)

    assert tg.calls == [("delete_messages", (42, 7), {})]


async def test_answer_callback_passes_the_alert_and_tolerates_expired_queries(chat, tg):
    await chat.answer_callback("cb-1", "Started", alert=True)
    tg.fail["answer_callback_query"] = [errors.QueryIdInvalid()]
    await chat.answer_callback("cb-2")

    assert tg.calls[0] == (
        "answer_callback_query",
        ("cb-1",),
        {"text": "Started", "show_alert": True},
    )
    assert tg.calls[1][2] == {"text": None, "show_alert": False}


async def test_flood_wait_is_waited_out_then_retried(chat, tg, sleeps):
    tg.fail["send_message"] = [errors.FloodWait(value=2)]

    with structlog.testing.capture_logs() as logs:
        message_id = await chat.send_text(42, "hello")

    assert sleeps == [2.0]
    assert tg.methods() == ["send_message", "send_message"]
    assert message_id == 100  # the one message that was sent
    [flood] = [line for line in logs if line["event"] == "telegram_flood_wait"]
    assert flood["seconds"] == 2.0


async def test_long_flood_waits_are_capped_and_repeated_ones_give_up(chat, tg, sleeps):
    tg.fail["send_message"] = [errors.FloodWait(value=3600)] * 4

    with pytest.raises(DeliveryError, match="try again in 60 min"):
        await chat.send_text(42, "hello")

    assert sleeps == [60, 60, 60]  # capped, max_flood_waits times
    assert len(tg.calls) == 4


@pytest.mark.parametrize(
    "transient",
    [OSError("reset"), ConnectionResetError(), TimeoutError(), errors.InternalServerError()],
)
async def test_transient_failures_are_retried_with_jittered_backoff(chat, tg, sleeps, transient):
    tg.fail["send_message"] = [transient, transient]

    assert await chat.send_text(42, "hello") == 100

    assert len(tg.calls) == 3
    assert len(sleeps) == 2
    assert all(0 <= s <= 30 for s in sleeps)


async def test_a_persistent_network_error_becomes_a_delivery_error_after_the_retries(
    chat, tg, sleeps
):
    tg.fail["send_message"] = [OSError("unreachable")] * 10

    with pytest.raises(DeliveryError, match=r"could not be reached .*\(4 tries\)") as err:
        await chat.send_text(42, "hello")

    assert len(tg.calls) == 4  # the first try and retries=3
    assert len(sleeps) == 3
    assert isinstance(err.value.__cause__, OSError)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (errors.UserIsBlocked(), "blocked the bot"),
        (errors.PeerIdInvalid(), "send /start"),
        (errors.ChatAdminRequired(), r"Telegram refused to send a message \(CHAT_ADMIN_REQUIRED\)"),
        (RuntimeError("bug"), r"Could not send a message \(RuntimeError\)"),
    ],
)
async def test_other_failures_are_final_and_readable(chat, tg, sleeps, error, message):
    tg.fail["send_message"] = [error]

    with pytest.raises(DeliveryError, match=message):
        await chat.send_text(42, "hello")

    assert len(tg.calls) == 1
    assert sleeps == []


async def test_cancellation_is_never_swallowed(chat, tg):
    tg.fail["send_message"] = [asyncio.CancelledError()]

    with pytest.raises(asyncio.CancelledError):
        await chat.send_text(42, "hello")

    assert len(tg.calls) == 1


async def test_cancelling_a_flood_wait_cancels_the_send(tg):
    chat = PyrogramChat(tg)  # the real asyncio.sleep
    tg.fail["send_document"] = [errors.FloodWait(value=30)]
    task = asyncio.create_task(chat.send_document(42, Upload("a.pdf", remote_id="FILE-0"), ""))
    while not tg.calls:
        await asyncio.sleep(0)

    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(tg.calls) == 1


async def test_a_file_is_uploaded_by_path_with_its_name_and_progress(chat, tg, pdf):
    reports: list[tuple[int, int]] = []

    async def progress(sent: int, total: int) -> None:
        reports.append((sent, total))

    sent = await chat.send_document(42, Upload("Notes 1.pdf", path=pdf), "Notes", progress)

    [(_method, args, kwargs)] = tg.calls
    assert args == (42, pdf)
    assert isinstance(args[1], Path)  # a str naming no file would be read as a file id
    assert kwargs["file_name"] == "Notes 1.pdf"
    assert kwargs["force_document"] is True
    assert kwargs["caption"] == "Notes"
    size = pdf.stat().st_size
    assert reports == [(PART, size), (size, size)]
    assert sent == SentDocument(remote_id="FILE-1")


async def test_a_failing_progress_report_does_not_abort_the_upload(chat, tg, pdf):
    async def progress(sent: int, total: int) -> None:
        raise RuntimeError("message to edit is gone")

    sent = await chat.send_document(42, Upload("n.pdf", path=pdf), "", progress)

    assert sent.remote_id == "FILE-1"


async def test_a_known_file_id_is_sent_again_without_moving_bytes(chat, tg, pdf):
    sent = await chat.send_document(42, Upload("n.pdf", path=pdf, remote_id="FILE-0"), "again")

    [(_method, args, kwargs)] = tg.calls
    assert args == (42, "FILE-0")
    assert kwargs["progress"] is None
    assert "file_name" not in kwargs
    assert sent.remote_id == "FILE-1"


@pytest.mark.parametrize(
    "stale", [errors.FileReferenceExpired(), errors.MediaEmpty(), ValueError("bad file id")]
)
async def test_a_refused_file_id_falls_back_to_uploading_the_file(chat, tg, pdf, stale):
    tg.fail["send_document"] = [stale]

    sent = await chat.send_document(42, Upload("n.pdf", path=pdf, remote_id="OLD"), "")

    assert [args[1] for _, args, _ in tg.calls] == ["OLD", pdf]
    assert sent.remote_id == "FILE-2"


async def test_a_refused_file_id_without_a_local_copy_is_a_delivery_error(chat, tg):
    tg.fail["send_document"] = [errors.MediaEmpty()]

    with pytest.raises(DeliveryError, match="MEDIA_EMPTY"):
        await chat.send_document(42, Upload("n.pdf", remote_id="OLD"), "")


async def test_a_blocked_user_is_not_sent_the_bytes_after_the_id_fails(chat, tg, pdf):
    tg.fail["send_document"] = [errors.UserIsBlocked()]

    with pytest.raises(DeliveryError, match="blocked"):
        await chat.send_document(42, Upload("n.pdf", path=pdf, remote_id="FILE-0"), "")

    assert len(tg.calls) == 1


async def test_missing_or_empty_files_fail_before_anything_is_sent(chat, tg, tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")

    with pytest.raises(DeliveryError, match="no longer on disk"):
        await chat.send_document(42, Upload("gone.pdf", path=tmp_path / "gone.pdf"), "")
    with pytest.raises(DeliveryError, match="empty"):
        await chat.send_document(42, Upload("empty.pdf", path=empty), "")
    with pytest.raises(DeliveryError, match="no local copy"):
        await chat.send_document(42, Upload("nothing.pdf"), "")

    assert tg.calls == []


async def test_an_unconfirmed_upload_is_a_delivery_error(chat, tg, pdf):
    tg.reply_none = True  # what pyrogram returns when the transmission was stopped

    with pytest.raises(DeliveryError, match="did not confirm"):
        await chat.send_document(42, Upload("n.pdf", path=pdf), "")
