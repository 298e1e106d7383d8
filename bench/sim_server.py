"""The ClassPlus simulator as a benchmark process, with a side door for its counters.

`python -m bench.sim_server` takes exactly the flags of
`python -m cpbatch.entrypoints.simulator` and
serves the same world through the same `run_simulator`, in its own process (so it never shares
an event loop or the GIL with what is measured). It adds a second loopback server that is not
part of the simulated ClassPlus and is not counted in its stats:

    GET  /stats     {"file_bytes_sent", "file_bytes_by_id", "file_requests", "range_requests",
                     "requests", ...}
    POST /reset     zero the counters
    GET  /manifest?org=CODE   the files the org's first user may download (no hashes)

The ready file (mode 0600: it holds working tokens) gets {"base_url", "control_url",
"tokens", "pid"}. The simulator itself exposes no stats over HTTP; this wrapper is how the
benchmark reads the bytes a re-sync fetched without adding anything to src/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from cpbatch.entrypoints.simulator import Simulator, run_simulator
from cpbatch.entrypoints.simulator.cli_options import build_parser, fault_config, world_from

log = logging.getLogger("cpbatch.bench.simulator")


def stats_view(sim: Simulator) -> dict[str, object]:
    stats = sim.stats
    return {
        "file_bytes_sent": stats.file_bytes_sent,
        "file_bytes_by_id": {str(k): n for k, n in stats.file_bytes_by_id.items()},
        "file_requests": stats.file_requests,
        "range_requests": stats.range_requests,
        "requests": dict(stats.requests),
        "statuses": {str(status): count for status, count in stats.statuses.items()},
    }


def control_app(sim: Simulator) -> web.Application:
    async def get_stats(_: web.Request) -> web.Response:
        return web.json_response(stats_view(sim))

    async def reset(_: web.Request) -> web.Response:
        sim.stats.reset()
        return web.json_response(stats_view(sim))

    async def manifest(request: web.Request) -> web.Response:
        org = request.query.get("org") or None
        entries = await sim.manifest_async(org, include_sha256=False)
        return web.json_response(entries)

    app = web.Application()
    app.router.add_get("/stats", get_stats)
    app.router.add_post("/reset", reset)
    app.router.add_get("/manifest", manifest)
    return app


def write_ready_file(path: Path, payload: dict[str, object]) -> None:
    """Atomically, readable by the owner only."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(payload))
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


ControlRoutes = Callable[[web.Application, Simulator], None]


async def serve(args: argparse.Namespace, extra_routes: ControlRoutes | None = None) -> None:
    """Serve the simulator and its control server until SIGINT/SIGTERM; `extra_routes` adds
    routes (and whatever they count) to the control server before it starts."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    faults = fault_config(args, os.environ)
    async with run_simulator(world_from(args), faults, args.host, args.port) as sim:
        app = control_app(sim)
        if extra_routes is not None:
            extra_routes(app, sim)
        control = web.AppRunner(app, access_log=None)
        await control.setup()
        try:
            await web.TCPSite(control, "127.0.0.1", 0).start()
            tokens = {org.code: sim.token_for(org.code) for org in sim.world.orgs if org.users}
            ready = {
                "base_url": sim.base_url,
                "control_url": f"http://127.0.0.1:{control.addresses[0][1]}",
                "tokens": tokens,
                "pid": os.getpid(),
            }
            if args.ready_file:
                write_ready_file(Path(args.ready_file), ready)
            log.info("serving on %s (faults: %s)", sim.base_url, faults)
            await stop.wait()
        finally:
            await control.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.prog = "python -m bench.sim_server"
    args = parser.parse_args(argv)
    if args.manifest is not None:
        parser.error("--manifest: use GET /manifest on the control server instead")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
