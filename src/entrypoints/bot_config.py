"""The bot's own settings, read only when the bot starts: a missing or malformed one stops it
at once with a message naming the variable, never its value."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cpbatch.entrypoints.config import ConfigError, read_env_file

_BOT_TOKEN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,}$")
_API_HASH = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class BotSettings:
    bot_token: str = field(repr=False)
    api_id: int
    api_hash: str = field(repr=False)
    secret_key: str = field(repr=False)
    allowed_user_ids: frozenset[int] = frozenset()
    admin_user_ids: frozenset[int] = frozenset()
    max_jobs: int = 4
    requests_per_minute: int = 30
    progress_interval_s: float = 3.0
    port: int | None = None


def load_bot_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> BotSettings:
    env = read_env_file(env_file) if env_file is not None else {}
    env.update(os.environ if environ is None else environ)
    token = _required(env, "BOT_TOKEN", "the token @BotFather gave you")
    if not _BOT_TOKEN.fullmatch(token):
        raise ConfigError("BOT_TOKEN does not look like a bot token from @BotFather.")
    api_id_text = _required(env, "TELEGRAM_API_ID", "your app's api_id from my.telegram.org")
    if not _ascii_digits(api_id_text) or not 0 < int(api_id_text) < 2**31:
        raise ConfigError("TELEGRAM_API_ID must be the number my.telegram.org shows as api_id.")
    api_hash = _required(env, "TELEGRAM_API_HASH", "your app's api_hash from my.telegram.org")
    if not _API_HASH.fullmatch(api_hash):
        raise ConfigError("TELEGRAM_API_HASH must be the 32-character api_hash.")
    secret_key = _required(env, "SECRET_KEY", "a key for stored credentials: cpbatch secret-key")
    admins = _user_ids(env, "ADMIN_USER_IDS")
    if not admins:
        raise ConfigError(
            "ADMIN_USER_IDS is empty: name at least one Telegram user id (comma-separated); "
            "with an empty ALLOWED_USER_IDS only admins may use the bot."
        )
    return BotSettings(
        bot_token=token,
        api_id=int(api_id_text),
        api_hash=api_hash,
        secret_key=secret_key,
        allowed_user_ids=_user_ids(env, "ALLOWED_USER_IDS"),
        admin_user_ids=admins,
        max_jobs=_whole(env, "BOT_MAX_JOBS", 4, 1, 64),
        requests_per_minute=_whole(env, "BOT_REQUESTS_PER_MINUTE", 30, 1, 600),
        progress_interval_s=float(_whole(env, "BOT_PROGRESS_INTERVAL", 3, 1, 60)),
        port=_whole(env, "PORT", 0, 1, 65535) if env.get("PORT", "").strip() else None,
    )


def _required(env: Mapping[str, str], name: str, what: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set: it must be {what}.")
    return value


def _user_ids(env: Mapping[str, str], name: str) -> frozenset[int]:
    raw = env.get(name, "").strip()
    ids = set()
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        if not _ascii_digits(part.lstrip("-")):
            raise ConfigError(f"{name} must be comma-separated numeric Telegram user ids.")
        ids.add(int(part))
    return frozenset(ids)


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not _ascii_digits(raw) or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def _ascii_digits(text: str) -> bool:
    """'123' yes; '²' or '１２３' no (str.isdigit accepts them, int() does not)."""
    return text.isascii() and text.isdigit()
