"""A fake Telegram data centre that speaks real MTProto to a real pyrogram Client."""

from support.telegram.dc import FakeTelegramDC, running_dc
from support.telegram.faults import INTERNAL, DropConnection, Hold, RpcFailure, flood_wait
from support.telegram.session_file import bot_token_for, write_bot_session
from support.telegram.world import BOT_ID, SentDocument, TelegramWorld

__all__ = [
    "BOT_ID",
    "INTERNAL",
    "DropConnection",
    "FakeTelegramDC",
    "Hold",
    "RpcFailure",
    "SentDocument",
    "TelegramWorld",
    "bot_token_for",
    "flood_wait",
    "running_dc",
    "write_bot_session",
]
