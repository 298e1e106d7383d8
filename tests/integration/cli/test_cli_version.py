"""`cpbatch --version`: the installed version, answered without importing the CLI's weight."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

HEAVY = ("aiohttp", "structlog", "rich", "pymongo", "pyrogram", "dependency_injector")


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_installed_version(flag: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cpbatch", flag], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"cpbatch {version('cpbatch')}\n"


def test_version_imports_none_of_the_heavy_dependencies() -> None:
    probe = (
        "import sys; from cpbatch.entrypoints.cli.entry import main; main(['--version']); "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert result.stdout.splitlines()[-1] == "[]"


def test_the_parser_knows_the_flag_too() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cpbatch", "--help"], capture_output=True, text=True, check=True
    )

    assert "--version" in result.stdout
