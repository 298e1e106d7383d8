"""What a results file measured: the commit (and whether the code differed from it), the date
and the machine. Both suites write it into their results; the README shows it beside each table."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
GIB = 1024**3
# What the measurement runs: a change here that is not committed makes the tree "dirty".
MEASURED_PATHS = ("src", "bench", "chaos", "pyproject.toml", "constraints.txt")
# What the suites themselves write: changing these does not change what was measured.
OUTPUT_PATHS = ("bench/results", "chaos/results")


def git(*args: str) -> str:
    """The output of a git command in the repository, or "" when git or the repository is
    not there (a source archive): the results then say the commit is unknown."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed git commands
            ["git", *args],  # noqa: S607
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def measured_commit() -> dict[str, Any]:
    """HEAD, its date, and whether the code measured had uncommitted or untracked changes."""
    full = git("rev-parse", "HEAD")
    excluded = [f":(exclude){path}" for path in OUTPUT_PATHS]
    status = git("status", "--porcelain", "--", *MEASURED_PATHS, *excluded) if full else ""
    return {
        "hash": full or None,
        "short": git("rev-parse", "--short", "HEAD") or None,
        "date": git("show", "-s", "--format=%cI", "HEAD") or None,
        "dirty": bool(status),
    }


def describe_commit(commit: dict[str, Any] | None) -> str:
    """commit `abc1234`, with a warning when the code measured had changes the commit lacks."""
    if not commit or not commit.get("short"):
        return "an unknown commit"
    dirty = " with uncommitted changes" if commit.get("dirty") else ""
    return f"commit `{commit['short']}`{dirty}"


def machine_info() -> dict[str, Any]:
    memory = int(psutil.virtual_memory().total)
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory / GIB),
        "memory_bytes": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
