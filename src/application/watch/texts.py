"""What a subscriber reads about their watches (the bot's words, free of chat types)."""

from __future__ import annotations

from datetime import datetime

from cpbatch.domain.watch import Change, Subscription


def note(change: Change, batch_name: str, folder: tuple[str, ...]) -> str:
    """The line above a delivered file's caption."""
    where = " / ".join(folder) if folder else "top folder"
    label = "🆕 New" if change is Change.NEW else "♻️ Updated"
    return f"🔔 {label} in {batch_name} · 📁 {where}"


def more_files(subscription: Subscription, count: int) -> str:
    return (
        f"🔔 …and {count} more new or updated file{'s' * (count != 1)} in "
        f"{subscription.batch_name}: /sync {subscription.org_code} {subscription.batch_key}"
    )


def lost_access(subscription: Subscription, reason: str, *, needs_login: bool) -> str:
    until = (
        f"you log in again with /login {subscription.org_code}"
        if needs_login
        else "your account can open it again (asked at each check)"
    )
    return (
        f"⏸ Watch of {subscription.batch_name} ({subscription.org_code}) paused: {reason} "
        f"Nothing will be sent until {until}."
    )


def access_ended(on: datetime) -> str:
    return f"your access to this batch ended on {on:%Y-%m-%d}."


def resumed(subscription: Subscription) -> str:
    return f"▶️ Watching {subscription.batch_name} ({subscription.org_code}) again."


def failed(subscription: Subscription, name: str, reason: str) -> str:
    return f"⚠️ {name} from {subscription.batch_name} could not be sent: {reason}"


LOGGED_OUT = "you are no longer logged in to this organization."
EXPIRED = "your ClassPlus login expired."
NOT_OPEN = "your account can no longer open this batch."
