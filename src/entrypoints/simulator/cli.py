"""`python -m cpbatch.entrypoints.simulator`: serve a world until SIGINT/SIGTERM, or print its
manifest.

stdout gets exactly one JSON line on start ({"base_url", "orgs"}); logs go to stderr.
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
from pathlib import Path

from cpbatch.entrypoints.simulator.cli_options import build_parser, fault_config, world_from
from cpbatch.entrypoints.simulator.content import ContentSource
from cpbatch.entrypoints.simulator.harness import Simulator, run_simulator
from cpbatch.entrypoints.simulator.manifest import build_manifest
from cpbatch.entrypoints.simulator.otp import expected_otp


def _say(text: str) -> None:
    """For the person running the simulator (the demo's logins among it), not a log line:
    cpbatch's log pipeline would rightly redact the one-time codes."""
    print(text, file=sys.stderr, flush=True)


def _write_ready_file(path: Path, sim: Simulator) -> None:
    """Atomically, readable by the owner only: it holds working tokens."""
    tokens = {org.code: sim.token_for(org.code) for org in sim.world.orgs if org.users}
    payload = json.dumps({"base_url": sim.base_url, "tokens": tokens, "pid": os.getpid()})
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _announce(sim: Simulator, demo: bool) -> None:
    orgs = {
        org.code: {"orgId": org.id, "orgName": org.name, "mobiles": [u.mobile for u in org.users]}
        for org in sim.world.orgs
    }
    print(json.dumps({"base_url": sim.base_url, "orgs": orgs}), flush=True)
    if demo:
        for org in sim.world.orgs:
            for user in org.users:
                otp = expected_otp(sim.world.seed, user.mobile)
                _say(f"demo login: org={org.code} mobile={user.mobile} otp={otp}")


async def _serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    faults = fault_config(args, os.environ)
    control = args.control or os.environ.get("SIM_CONTROL", "").lower() in ("1", "true", "yes")
    async with run_simulator(
        world_from(args), faults, args.host, args.port, control=control
    ) as sim:
        _announce(sim, demo=args.world == "demo")
        if args.ready_file:
            _write_ready_file(Path(args.ready_file), sim)
        _say(f"serving on {sim.base_url} (faults: {faults})")
        await stop.wait()
    _say("stopped")


def _print_manifest(args: argparse.Namespace) -> None:
    world = world_from(args)
    base_url = f"http://{args.host}:{args.port}"
    entries = build_manifest(world, ContentSource(world.seed), base_url, args.manifest or None)
    print(json.dumps(entries, ensure_ascii=False, indent=2))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    if args.manifest is not None:
        _print_manifest(args)
        return 0
    asyncio.run(_serve(args))
    return 0
