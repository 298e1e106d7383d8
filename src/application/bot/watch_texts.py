"""What the bot says about watches: /watch, /unwatch, /watching and /quiet."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from cpbatch.application.watch.subscribe import Watching
from cpbatch.domain.quiet_hours import QuietHours, zone_of

WATCH_USAGE = (
    "Usage: /watch ORG BATCH — e.g. /watch abcde 123 (batch ids are shown in /getbatches). "
    "New and updated files of that batch then arrive here on their own."
)
UNWATCH_USAGE = "Usage: /unwatch ORG BATCH — e.g. /unwatch abcde 123. /watching lists your watches."
NOT_WATCHED = "You are not watching that batch. /watching lists your watches."
NO_WATCHES = (
    "You are not watching any batch. Start with /watch ORG BATCH or a batch's 🔔 Watch button."
)
QUIET_USAGE = (
    "Usage: /quiet 23-07 [ZONE] — hold deliveries from 23:00 to 07:00 (your time zone, e.g. "
    "Asia/Kolkata or +05:30; UTC if you never gave one); /quiet off — no quiet hours."
)
QUIET_OFF = "🔔 No quiet hours: files arrive as soon as a check finds them."
WATCH_BUTTON = "🔔 Watch"


def when(epoch_s: float | None, zone: str) -> str:
    if epoch_s is None:
        return "not yet"
    return datetime.fromtimestamp(epoch_s, zone_of(zone)).strftime("%d %b %H:%M")


def started(watching: Watching, zone: str) -> str:
    s = watching.subscription
    org = watching.org_name or s.org_code
    next_at = watching.schedule.next_check_at if watching.schedule else None
    return (
        f"🔔 Watching {s.batch_name} ({org}). New and updated files will arrive here; "
        f"next check {when(next_at, zone)} ({zone}).\n"
        f"/watching lists your watches · /unwatch {s.org_code} {s.batch_key} stops this one."
    )


def stopped(names: Sequence[str]) -> str:
    return "🔕 Stopped watching " + ", ".join(names) + "."


def listing(watches: Sequence[Watching], zone: str, logged_in: Collection[str]) -> str:
    """`logged_in`: the orgs the user has a stored login for."""
    lines = [f"🔔 Your watches (times in {zone}):"]
    for w in watches:
        s = w.subscription
        last = when(w.schedule.last_check_at if w.schedule else None, zone)
        next_at = when(w.schedule.next_check_at if w.schedule else None, zone)
        if s.active:
            state = f"last check {last}, next {next_at}"
        elif s.paused_principal is None and s.org_code in logged_in:
            state = f"⏸ paused: not open to your account now (asked again at {next_at})"
        else:
            state = f"⏸ paused until you log in again (/login {s.org_code})"
        lines.append(f"• {s.batch_name} — {s.org_code} {s.batch_key} — {state}")
    return "\n".join(lines)


def quiet_set(quiet: QuietHours) -> str:
    return f"🌙 Quiet hours {quiet}: files found then wait until they end."
