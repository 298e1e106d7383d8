"""The Telegram adapter (Pyrogram/kurigram, MTProto): the ChatPort, the update feed, the client."""

from cpbatch.adapters.telegram.chat import PyrogramChat
from cpbatch.adapters.telegram.client import build_client, is_online, telegram_client_resource
from cpbatch.adapters.telegram.updates import TelegramUpdates

__all__ = [
    "PyrogramChat",
    "TelegramUpdates",
    "build_client",
    "is_online",
    "telegram_client_resource",
]
