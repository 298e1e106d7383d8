"""`bench.sim_server` plus what the chaos checks count: faults and per-file requests.

`python -m chaos.sim_server` takes the flags of `python -m cpbatch.entrypoints.simulator`
(fault flags
included) and serves the world through `run_simulator` in its own process, with the control
server of `bench.sim_server` (GET /stats, POST /reset, GET /manifest) and three more routes:

    GET  /chaos/counts     {"file_requests": {file_id: n}, "faults": {kind: n},
                            "api_requests": n, "api_faults": n}
    POST /chaos/reset      zero these counters and the simulator's own stats
    GET  /chaos/manifest?org=CODE   the manifest WITH sha256 (hashed in a worker thread)

Fault kinds: "5xx", "429", "reset", "truncate", "stall" (as planned by the injector; a body
fault is planned only for file requests). The simulator's own stats count statuses but not
mid-body faults nor requests per file, so the injector is wrapped here, in this process only.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter

from aiohttp import web

from bench.sim_server import serve
from cpbatch.entrypoints.simulator import Simulator
from cpbatch.entrypoints.simulator.cli_options import build_parser
from cpbatch.entrypoints.simulator.faults import FaultConfig, FaultInjector, FaultPlan, RequestKind

log = logging.getLogger("cpbatch.chaos.simulator")


class CountingInjector(FaultInjector):
    """The simulator's seeded injector, counting what it planned."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        super().__init__(config)
        self.file_requests: Counter[int] = Counter()
        self.faults: Counter[str] = Counter()
        self.api_requests = 0
        self.api_faults = 0

    def plan(self, kind: RequestKind, file_id: int | None = None) -> FaultPlan:
        planned = super().plan(kind, file_id)
        fault: str | None = None
        if planned.status is not None:
            fault = "429" if planned.status == 429 else "5xx"
        elif planned.body_fault is not None:
            fault = planned.body_fault
        if kind == "files" and file_id is not None:
            self.file_requests[file_id] += 1
        elif kind == "api":
            self.api_requests += 1
            self.api_faults += fault is not None
        if fault is not None:
            self.faults[fault] += 1
        return planned

    def reset(self) -> None:
        self.file_requests.clear()
        self.faults.clear()
        self.api_requests = 0
        self.api_faults = 0

    def view(self) -> dict[str, object]:
        return {
            "file_requests": {str(k): n for k, n in self.file_requests.items()},
            "faults": dict(self.faults),
            "api_requests": self.api_requests,
            "api_faults": self.api_faults,
        }


def install_counting(sim: Simulator) -> CountingInjector:
    """Replace the running simulator's injector with a counting one (same config, same seed).
    `Simulator.faults = ...` always builds a plain FaultInjector, hence the state itself."""
    injector = CountingInjector(sim.faults)
    sim._state.faults = injector  # our own process, before any request is served
    return injector


def chaos_routes(app: web.Application, sim: Simulator, injector: CountingInjector) -> None:
    async def counts(_: web.Request) -> web.Response:
        return web.json_response(injector.view())

    async def reset(_: web.Request) -> web.Response:
        injector.reset()
        sim.stats.reset()
        return web.json_response(injector.view())

    async def manifest(request: web.Request) -> web.Response:
        org = request.query.get("org") or None
        return web.json_response(await sim.manifest_async(org, include_sha256=True))

    app.router.add_get("/chaos/counts", counts)
    app.router.add_post("/chaos/reset", reset)
    app.router.add_get("/chaos/manifest", manifest)


def add_chaos_routes(app: web.Application, sim: Simulator) -> None:
    chaos_routes(app, sim, install_counting(sim))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.prog = "python -m chaos.sim_server"
    args = parser.parse_args(argv)
    if args.manifest is not None:
        parser.error("--manifest: use GET /chaos/manifest on the control server instead")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    asyncio.run(serve(args, add_chaos_routes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
