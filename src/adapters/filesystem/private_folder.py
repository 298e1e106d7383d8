"""The folder cpbatch keeps its data in (DATA_DIR, a cache folder): private to its user.

It holds every stored file, the metadata and the bot's session. A new one is made 0700; the
folders and files inside are private too (see the blob store), but an existing folder is the
user's to set: it is left as it is, with a warning when other users may look inside."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

PRIVATE = 0o700


def ensure_private_folder(path: Path) -> None:
    """Create `path` (missing parents as ordinary folders, `path` itself 0700), or warn when
    an existing one lets group or others in. Synchronous: run it in a thread."""
    try:
        os.mkdir(path, PRIVATE)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        ensure_private_folder(path)
        return
    except FileExistsError:
        pass
    else:
        os.chmod(path, PRIVATE)  # whatever the umask took away or left
        return
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & 0o077:
        log.warning(
            "data_folder_open_to_others", path=str(path), mode=f"{mode:o}",
            fix=f"chmod 700 {path}",
        )  # fmt: skip
