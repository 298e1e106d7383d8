"""What `cpbatch login`, `logout` and `status` print: org, account name and expiry, never a
token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from cpbatch.application.cli_logins import StoredLogin
from cpbatch.domain.models import Org
from cpbatch.entrypoints.cli.safe_text import shown


def login_view(login: StoredLogin) -> dict[str, Any]:
    return {
        "org_code": login.org_code,
        "account_name": login.account_name,
        "expires_at": login.expires_at.isoformat() if login.expires_at else None,
        "readable": login.readable,
    }


def show_logged_in(console: Console, org: Org, login: StoredLogin) -> None:
    who = f" as {shown(login.account_name)}" if login.account_name else ""
    console.print(
        f"Logged in to {shown(org.name)} ({org.code.value}){who}; the token is stored "
        f"encrypted, {_expiry(login.expires_at, None)}."
    )


def show_logged_out(console: Console, org_code: str | None, count: int) -> None:
    if count == 0:
        where = f" for '{org_code}'" if org_code else ""
        console.print(f"No stored login{where}: nothing to do.")
    elif org_code:
        console.print(f"Logged out of '{org_code}': its stored token is deleted.")
    else:
        console.print(f"Logged out of {count} org(s): every stored token is deleted.")


def show_logins(console: Console, logins: list[StoredLogin], now: datetime) -> None:
    if not logins:
        console.print("No stored logins: run `cpbatch login ORG` to add one.")
        return
    table = Table(title="Stored logins (cpbatch login)")
    for column in ("org", "account", "token expires"):
        table.add_column(column)
    for login in logins:
        if not login.readable:
            table.add_row(login.org_code, "", "cannot be read: log in again")
            continue
        table.add_row(
            login.org_code, shown(login.account_name or "?"), _expiry(login.expires_at, now)
        )
    console.print(table)


def expiry_warning(login: StoredLogin, now: datetime) -> str:
    return (
        f"Warning: your login to '{login.org_code}' {_expiry(login.expires_at, now)}: run "
        f"`cpbatch login {login.org_code}` to renew it."
    )


def _expiry(expires_at: datetime | None, now: datetime | None) -> str:
    if expires_at is None:
        return "no expiry given"
    when = f"{expires_at:%Y-%m-%d %H:%M} UTC"
    if now is None:
        return f"valid until {when}"
    if expires_at <= now:
        return f"expired on {when}"
    left = expires_at - now
    days = left.days
    remaining = f"{days} day{'s' if days != 1 else ''}" if days else f"{left.seconds // 3600} h"
    return f"expires on {when} (in {remaining})"
