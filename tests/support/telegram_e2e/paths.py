"""Where the end-to-end run finds piltover and the kit, and why it must skip when it cannot.

Nothing of piltover lives in this repository: a build made with the kit in
`../shared/telegram-e2e` sits in PILTOVER_WORKDIR (default: `../tg-e2e`, beside the repo).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
PILTOVER_KURIGRAM = "2.2.6"  # piltover speaks layer 201; kurigram 2.2.7+ cannot parse it
PILTOVER_HOST = "127.0.0.1"
PILTOVER_PORT = 4430


@dataclass(frozen=True)
class Locations:
    kit: Path  # setup_piltover.sh, start_piltover.sh, piltover_patch.py
    workdir: Path  # WORKDIR/piltover (checkout), WORKDIR/venv

    @classmethod
    def from_environment(cls) -> Locations:
        kit = os.environ.get("TELEGRAM_E2E_KIT") or REPO_ROOT.parent / "shared" / "telegram-e2e"
        workdir = os.environ.get("PILTOVER_WORKDIR") or REPO_ROOT.parent / "tg-e2e"
        return cls(Path(kit).resolve(), Path(workdir).resolve())

    @property
    def piltover_dir(self) -> Path:
        return self.workdir / "piltover"

    @property
    def database(self) -> Path:
        return self.piltover_dir / "data" / "secrets" / "piltover.db"

    def how_to_build(self) -> str:
        return (
            f"No piltover build in {self.workdir} (set PILTOVER_WORKDIR to use another). "
            "To get one: fetch github:RuslanUC/piltover and github:RuslanUC/mtproto with the "
            "search tool's fetch (each gives a git directory), then run "
            f"{self.kit}/setup_piltover.sh PILTOVER_GIT MTPROTO_GIT {self.workdir} "
            f"(about 2 minutes; see {self.kit}/README.md). Then: make e2e-telegram."
        )

    def missing(self) -> list[str]:
        """Every reason this run cannot talk to piltover; empty when it can."""
        reasons = []
        try:
            installed = version("kurigram")
        except PackageNotFoundError:
            installed = "none"
        if installed != PILTOVER_KURIGRAM:
            reasons.append(
                f"these tests need kurigram {PILTOVER_KURIGRAM} (piltover's layer), this "
                f"environment has {installed}: run them with `make e2e-telegram`"
            )
        if not (self.kit / "piltover_patch.py").is_file():
            reasons.append(f"the telegram-e2e kit is not in {self.kit} (set TELEGRAM_E2E_KIT)")
        built = (self.workdir / "venv" / "bin" / "python").exists() and (
            self.piltover_dir / "piltover"
        ).is_dir()
        if not built:
            reasons.append(self.how_to_build())
        return reasons


def piltover_listening(timeout_s: float = 0.5) -> bool:
    try:
        with socket.create_connection((PILTOVER_HOST, PILTOVER_PORT), timeout=timeout_s):
            return True
    except OSError:
        return False
