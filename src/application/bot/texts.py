"""Everything the bot says. Sizes go through domain.sizes, so every door agrees on them."""

from __future__ import annotations

import math

from cpbatch.domain.errors import AuthenticationError, CpbatchError, CredentialError, StorageError
from cpbatch.domain.models import Org
from cpbatch.domain.sizes import format_bytes

WELCOME = (
    "👋 Hi! I fetch the ClassPlus study material your own account can open, and send it here.\n\n"
    "1. /login — log in to your institute's app with your mobile number and a one-time code "
    "(or /token to paste an access token).\n"
    "2. /getbatches — pick a batch, browse its folders and tap a file to get it.\n"
    "3. /sync — get every file of a batch at once.\n\n"
    "/help lists every command with examples; /cancel stops whatever is going on."
)

HELP = (
    "Commands\n\n"
    "/start — what this bot does\n"
    "/help — this list\n"
    "/login [ORG] — log in with your mobile number and a one-time code\n"
    "   e.g. /login abcde\n"
    "/token [ORG] [TOKEN] — log in by pasting a ClassPlus access token (the message is deleted)\n"
    "   e.g. /token abcde eyJhbGciOi…\n"
    "/logout [ORG] — forget your stored token for one organization, or for all\n"
    "   e.g. /logout abcde   or just /logout\n"
    "/getbatches [ORG] — list your batches, browse folders, tap a file to receive it\n"
    "   e.g. /getbatches abcde\n"
    "/sync ORG BATCH — receive every downloadable file of a batch (admins may leave out BATCH "
    "to sync the whole organization)\n"
    "   e.g. /sync abcde 123   or   /sync abcde course:123\n"
    "/watch ORG BATCH — new and updated files of a batch arrive here on their own\n"
    "   e.g. /watch abcde 123   (or the 🔔 Watch button on a batch)\n"
    "/unwatch ORG BATCH — stop watching it;  /watching — your watches and their checks\n"
    "/quiet 23-07 [ZONE] — hold deliveries during those hours (/quiet off ends them)\n"
    "   e.g. /quiet 23-07 Asia/Kolkata\n"
    "/cancel — stop the current question, download or sync\n\n"
    "ORG is your institute's organization code (the one you type in its app). Videos are "
    "streamed by ClassPlus and cannot be downloaded. Files over 2000 MiB arrive in numbered "
    "parts."
)
ADMIN_HELP = "\n\nAdmins: /jobs — how many jobs are running and waiting."

REFUSAL = "Sorry, this bot is private. Ask its owner to add your Telegram account."
ADMIN_ONLY = "Sorry, only the bot's admins can do that."
STALE_BUTTON = "This button no longer works (it expired, or it isn't yours). Send /getbatches."
NOT_DOWNLOADABLE_BUTTON = "Not downloadable: {reason}."
NOTHING_PENDING = "I'm not waiting for an answer right now. Send /help to see what I can do."
NOTHING_TO_CANCEL = "There is nothing to cancel."
CANCELLED_STEP = "Cancelled. Send /help to see what else I can do."
CANCELLED_JOB = "Cancelled. Nothing more will be sent for it."
CANCELLED = "✖️ Cancelled."
JOB_RUNNING = "You already have a download running. Wait for it to finish, or send /cancel."
UNEXPECTED = "Something went wrong on my side. Please try again in a moment."
CREDENTIAL_UNREADABLE = (
    "I can't read your stored login (the bot's key changed). Send /login to log in again."
)
PREPARING = "Preparing"
DOWNLOADING = "⬇️ Downloading"
UPLOADING = "⬆️ Uploading"


def rate_limited(retry_after_s: float) -> str:
    wait = max(1, math.ceil(retry_after_s))
    return (
        f"🐢 Easy there — you're sending requests faster than I can keep up. Please wait {wait} s."
    )


def unknown_command(command: str) -> str:
    return f"I don't know /{command}. Send /help to see what I can do."


STORAGE_TROUBLE = "the bot's storage failed (the admins can find the details in its log)"


def describe(error: BaseException) -> str:
    """A user-facing reason: our errors are written for users, except storage errors, which
    name server paths; anything else is not shown."""
    if isinstance(error, StorageError):
        return STORAGE_TROUBLE
    return str(error) if isinstance(error, CpbatchError) else "an unexpected error"


# -- login -------------------------------------------------------------------------------------
def ask_org_code(known: list[str]) -> str:
    hint = f"\nYou're logged in to: {', '.join(sorted(known))}." if known else ""
    return f"Please send the organization code (as in your institute's app, e.g. abcde).{hint}"


def try_again(reason: str, again: bool, restart: str) -> str:
    return f"{reason}\n" + ("Please try again, or /cancel." if again else f"Send {restart}.")


def not_logged_in(code: str) -> str:
    return f"You're not logged in to '{code}'. Send /login {code} (or /token {code}) first."


def session_expired(code: str) -> str:
    if not code:
        return "🔒 Your ClassPlus login has expired. Send /login to log in again."
    return f"🔒 Your ClassPlus login for '{code}' has expired. Send /login {code} to log in again."


def ask_mobile(org: Org) -> str:
    return (
        f"🏫 {org.name}\nSend the mobile number registered with it (digits only, e.g. "
        "9876543210). ClassPlus will text you a one-time code."
    )


BAD_MOBILE = "That doesn't look like a mobile number (10 to 15 digits, e.g. 9876543210)."
BAD_OTP = "That doesn't look like the code ClassPlus sent (4 to 8 digits)."


def ask_otp(org: Org) -> str:
    return f"📨 ClassPlus sent a code for {org.name}. Send it here (I delete it once read)."


def logged_in(org: Org) -> str:
    return (
        f"✅ Logged in to {org.name}. Your token is stored encrypted.\n"
        f"Send /getbatches {org.code} to see your batches."
    )


def ask_token(org: Org) -> str:
    return f"🏫 {org.name}\nPaste your ClassPlus access token (I delete the message once read)."


def logged_out(count: int, code: str | None) -> str:
    if count == 0:
        return f"You weren't logged in{f' to {code!r}' if code else ''}."
    where = f"'{code}'" if code else f"{count} organization{'s' if count != 1 else ''}"
    return f"👋 Logged out of {where}; the stored token is deleted."


# -- transfers -------------------------------------------------------------------------------
def transfer(heading: str, verb: str, done: int, total: int | None, elapsed_s: float) -> str:
    speed = done / elapsed_s if elapsed_s > 0 else 0.0
    lines = [f"{verb} · {heading}" if heading else verb]
    if total:
        percent = min(100, done * 100 // total)
        lines.append(f"{percent}% · {format_bytes(done)} of {format_bytes(total)}")
        eta = _duration((total - done) / speed) if speed > 0 else "—"
        lines.append(f"{format_bytes(speed)}/s · ETA {eta}" if speed > 0 else f"ETA {eta}")
    else:
        lines.append(f"{format_bytes(done)} · {format_bytes(speed)}/s")
    return "\n".join(lines)


def waiting_for_slot(heading: str) -> str:
    return f"⏳ Waiting for a free slot · {heading}\n(other downloads are running; /cancel stops)"


def preparing(heading: str) -> str:
    return f"⏳ Preparing · {heading}"


def _duration(seconds: float) -> str:
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def explain(error: BaseException, org_code: str) -> str:
    """What to tell the user about a failed step (an expired login gets its own advice)."""
    if isinstance(error, AuthenticationError):
        return session_expired(org_code)
    if isinstance(error, CredentialError):
        return CREDENTIAL_UNREADABLE
    return describe(error)


DELETED_UNASKED_LOGIN = (
    "That looks like an access token, so I deleted it from the chat. To log in with it, send "
    "/token ORG and paste it when I ask."
)


def job_status(running: int, waiting: int, limit: int) -> str:
    return f"⚙️ Jobs: {running} running, {waiting} waiting for a slot (at most {limit} at once)."
