"""The `cpbatch` console script. `--version` is answered before anything heavy is imported
(the CLI's dependencies take a few hundred milliseconds); every other command goes to
`cli.main`."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        sys.stdout.write(f"cpbatch {installed_version()}\n")
        return 0
    from cpbatch.entrypoints.cli.main import main as run_command

    return run_command(args)


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cpbatch")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"
