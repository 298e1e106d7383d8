"""The command-line grammar of `cpbatch`."""

from __future__ import annotations

import argparse
from pathlib import Path

from cpbatch.domain.durations import parse_duration
from cpbatch.domain.errors import ValidationError
from cpbatch.entrypoints.cli.entry import installed_version

EPILOG = """\
exit codes: 0 ok, 2 bad input, 3 authentication, 4 not found, 5 partial failure (sync: some
files failed; verify: problems found and not repaired), 6 ClassPlus unreachable or answering
badly, 7 storage, 8 rate limited, 9 not downloadable.

cpbatch acts only with your own ClassPlus token and downloads only what your account may open;
videos and other protected content are listed, never downloaded."""


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValidationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    settings_only = argparse.ArgumentParser(add_help=False)
    settings_only.add_argument(
        "--env-file",
        type=Path,
        default=Path(".env"),
        help="read settings from this file too (default: .env)",
    )
    settings_only.add_argument("--json", action="store_true", help="print machine-readable JSON")
    settings_only.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    common = argparse.ArgumentParser(add_help=False, parents=[settings_only])
    common.add_argument(
        "--token",
        metavar="TOKEN|-",
        help="your ClassPlus access token; '-' reads it from standard input (a token typed "
        "here stays in shell history and `ps`). Default: CLASSPLUS_TOKEN, else the login "
        "stored by `cpbatch login`",
    )

    parser = argparse.ArgumentParser(
        prog="cpbatch",
        description="List, download and keep the ClassPlus study material your account can open.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-V", "--version", action="version", version=f"cpbatch {installed_version()}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    org = commands.add_parser("org", parents=[common], help="show the org behind a code")
    org.add_argument("org_code", metavar="CODE")

    batches = commands.add_parser(
        "batches", parents=[common], help="list the batches your account can open"
    )
    batches.add_argument("org_code", metavar="CODE")
    batches.add_argument("--refresh", action="store_true", help="ignore the listing cache")

    files = commands.add_parser("files", parents=[common], help="show a batch's files as a tree")
    files.add_argument("org_code", metavar="CODE")
    files.add_argument("batch", metavar="BATCH_ID", help="an id, or course:ID / batch:ID")
    files.add_argument("--refresh", action="store_true", help="ignore the listing cache")

    download = commands.add_parser("download", parents=[common], help="download one file")
    download.add_argument("org_code", metavar="CODE")
    download.add_argument("file_id", metavar="FILE_ID")
    download.add_argument("--batch", metavar="BATCH_ID", help="look only in this batch")
    download.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        help="output directory (default: DOWNLOAD_DIR, ./downloads)",
    )

    sync = commands.add_parser(
        "sync", parents=[common], help="download every file of an org or batch; skip unchanged ones"
    )
    sync.add_argument("org_code", metavar="CODE")
    sync.add_argument("--batch", metavar="BATCH_ID", help="only this batch")
    sync.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        help="output directory (default: DOWNLOAD_DIR, ./downloads)",
    )
    sync.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="files downloaded at once (default: SYNC_CONCURRENCY, 4)",
    )
    sync.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="only files whose name or path matches (repeatable)",
    )
    sync.add_argument("--dry-run", action="store_true", help="list what would be downloaded")
    sync.add_argument("--force", action="store_true", help="download even unchanged files")

    watch = commands.add_parser(
        "watch",
        parents=[common],
        help="sync new and changed files into DIR again and again until stopped (Ctrl+C)",
    )
    watch.add_argument("org_code", metavar="CODE")
    watch.add_argument("--batch", metavar="BATCH_ID", help="only this batch")
    watch.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        help="output directory (default: DOWNLOAD_DIR, ./downloads)",
    )
    watch.add_argument(
        "--every",
        type=_duration,
        metavar="DURATION",
        help="time between checks, e.g. 30m, 2h, 90s (default: WATCH_EVERY, 30m)",
    )

    verify = commands.add_parser(
        "verify",
        parents=[common],
        help="check every stored file against its recorded sha256; find blobs nothing points at",
    )
    verify.add_argument(
        "--repair",
        action="store_true",
        help="delete corrupt and orphan blobs and the records of missing or corrupt ones "
        "(the next sync downloads those files again)",
    )
    login = commands.add_parser(
        "login",
        parents=[common],
        help="log in with your mobile number and the OTP ClassPlus sends; the token is kept "
        "encrypted for the org's later commands (with --token: keep that token instead)",
    )
    login.add_argument("org_code", metavar="CODE")
    logout = commands.add_parser(
        "logout", parents=[settings_only], help="delete the stored login of an org, or all"
    )
    logout.add_argument("org_code", metavar="CODE", nargs="?")
    commands.add_parser(
        "status",
        parents=[settings_only],
        help="the stored logins: org, account name and token expiry (never the token)",
    )
    commands.add_parser(
        "bot",
        parents=[common],
        help="run the Telegram bot (BOT_TOKEN, TELEGRAM_API_ID, TELEGRAM_API_HASH, SECRET_KEY, "
        "ADMIN_USER_IDS)",
    )
    commands.add_parser(
        "secret-key", help="print a new random SECRET_KEY for the bot's stored credentials"
    )
    return parser
