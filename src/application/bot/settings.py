"""The bot's policy: who may use it, how much, and how it paces and splits its work."""

from __future__ import annotations

from dataclasses import dataclass

# Telegram's upload limit for bots: 4000 parts of 512 KiB = 2000 MiB (Pyrogram refuses more with
# "Can't upload files bigger than 2000 MiB"). A true 2 GiB part would be rejected.
TELEGRAM_MAX_UPLOAD_BYTES = 2000 * 1024**2


@dataclass(frozen=True, slots=True)
class BotPolicy:
    """Limits and knobs, fixed when the bot starts. An empty allow-list means only admins."""

    allowed_user_ids: frozenset[int] = frozenset()
    admin_user_ids: frozenset[int] = frozenset()
    max_jobs: int = 4  # downloads/uploads/syncs running at once, for all users together
    rate_count: int = 30  # requests a user may make ...
    rate_period_s: float = 60.0  # ... per this many seconds (a token bucket refills evenly)
    progress_interval_s: float = 3.0  # a progress message is edited at most this often
    page_size: int = 8  # items per keyboard page
    max_part_size: int = TELEGRAM_MAX_UPLOAD_BYTES
    state_ttl_s: float = 15 * 60  # an unanswered question (org code, OTP...) is forgotten after
    callback_ttl_s: float = 6 * 3600  # buttons stop working after this
    sync_concurrency: int = 4  # parallel downloads inside one /sync
    max_attempts: int = 2  # a typed answer (org code, OTP, token) may be wrong once

    def __post_init__(self) -> None:
        positive = {
            "max_jobs": self.max_jobs,
            "rate_count": self.rate_count,
            "rate_period_s": self.rate_period_s,
            "progress_interval_s": self.progress_interval_s,
            "page_size": self.page_size,
            "max_part_size": self.max_part_size,
            "state_ttl_s": self.state_ttl_s,
            "callback_ttl_s": self.callback_ttl_s,
            "sync_concurrency": self.sync_concurrency,
            "max_attempts": self.max_attempts,
        }
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"BotPolicy.{name} must be positive, not {value}")
        if self.max_part_size > TELEGRAM_MAX_UPLOAD_BYTES:
            raise ValueError("BotPolicy.max_part_size is above Telegram's upload limit")

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_user_ids

    def is_allowed(self, user_id: int) -> bool:
        return user_id in self.admin_user_ids or user_id in self.allowed_user_ids
