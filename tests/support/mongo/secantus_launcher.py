"""A throwaway SecantusDB (a MongoDB-wire server on WiredTiger) for one test session.

Runs with the Python of `.venv-secantus`, never the project's: it imports only SecantusDB and
the pymongo that comes with it. Usage: `python secantus_launcher.py STORAGE_DIR`, then write
"USER PASSWORD" as the first line of its stdin (so the password is in no command line and no
environment). It creates that user on a server without authentication, reopens the storage
with authentication required, prints the port the OS gave it, and serves until its stdin
closes: the test session ended, or died. Then it stops the server and removes STORAGE_DIR.
"""

from __future__ import annotations

import logging
import shutil
import signal
import sys
from typing import NoReturn

from pymongo import MongoClient
from secantus import SecantusDBServer

HOST = "127.0.0.1"
# mongod's TTL monitor runs every 60 s, and SecantusDB refuses `setParameter
# ttlMonitorSleepSecs`: only its constructor can make the TTL test's wait short.
TTL_SWEEP_S = 1.0


def create_user(storage: str, user: str, password: str) -> None:
    """SecantusDB has no localhost exception: the first user is made on an open server."""
    server = SecantusDBServer(host=HOST, port=0, storage_path=storage)
    server.start()
    try:
        with MongoClient(server.uri, directConnection=True) as client:
            client.admin.command("createUser", user, pwd=password, roles=["root"])
    finally:
        server.stop()


def stop_on_sigterm(_signum: int, _frame: object) -> NoReturn:
    sys.exit(0)  # unwinds through the finally blocks: the server stops, the data goes


def main() -> None:
    storage = sys.argv[1]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        user, password = sys.stdin.readline().split()
        create_user(storage, user, password)
        server = SecantusDBServer(
            host=HOST,
            port=0,
            storage_path=storage,
            require_auth=True,
            ttl_sweep_seconds=TTL_SWEEP_S,
        )
        server.start()
        try:
            print(server.port, flush=True)
            sys.stdin.read()  # returns when the test session closes the pipe (or dies)
        finally:
            server.stop()
    finally:
        shutil.rmtree(storage, ignore_errors=True)


if __name__ == "__main__":
    main()
