"""Runs the real `cpbatch bot` against piltover: `python launcher.py`.

The kit's `piltover_patch` (in TELEGRAM_E2E_KIT; it needs PILTOVER_DIR) makes every pyrogram
Client trust piltover's RSA key and connect to 127.0.0.1:4430. It must be imported before any
Client exists, so it goes first; then the project's own CLI runs, unchanged, as `cpbatch bot`.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.environ["TELEGRAM_E2E_KIT"])
    import piltover_patch  # noqa: F401 - patches pyrogram at import

    from cpbatch.entrypoints.cli.main import main

    sys.exit(main(["bot"]))
