"""Run a simulator on the current event loop, and drive it from tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.typedefs import Middleware

from cpbatch.entrypoints.simulator.app import build_app
from cpbatch.entrypoints.simulator.demo import demo_world
from cpbatch.entrypoints.simulator.faults import FaultConfig, FaultInjector
from cpbatch.entrypoints.simulator.manifest import ManifestEntry, build_manifest
from cpbatch.entrypoints.simulator.publishing import publish, revise
from cpbatch.entrypoints.simulator.state import SimulatorState
from cpbatch.entrypoints.simulator.stats import SimulatorStats
from cpbatch.entrypoints.simulator.world import Document, Org, User, World

SHUTDOWN_TIMEOUT_S = 1.0


class Simulator:
    """A running simulator: its address, world, counters, faults, and credentials for tests."""

    def __init__(self, state: SimulatorState) -> None:
        self._state = state

    @property
    def base_url(self) -> str:
        return self._state.base_url

    @property
    def world(self) -> World:
        return self._state.world

    @property
    def stats(self) -> SimulatorStats:
        return self._state.stats

    @property
    def faults(self) -> FaultConfig:
        return self._state.faults.config

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        self._state.faults = FaultInjector(config)

    def reindex(self) -> None:
        """Call after removing items from `world` while running (additions are found anyway)."""
        self._state.index.rebuild()

    def publish_file(
        self, org_code: str, batch_key: str, name: str, size: int = 10_000, folder: str = ""
    ) -> Document:
        """A tutor publishes a new file (see publishing.publish)."""
        return publish(self.world, org_code, batch_key, name, size, folder)

    def revise_file(self, org_code: str, file_id: int) -> Document:
        """A tutor publishes a new version of a file (new bytes, later updatedAt)."""
        return revise(self.world, org_code, file_id)

    def _org_user(self, org_code: str, mobile: str | None = None) -> tuple[Org, User]:
        org = self.world.org_by_code(org_code)
        if org is None:
            raise LookupError(f"no org {org_code!r} in this world")
        user = org.user_by_identifier(mobile) if mobile else next(iter(org.users), None)
        if user is None:
            raise LookupError(f"no user {mobile or '(any)'} in org {org_code!r}")
        return org, user

    def token_for(self, org_code: str, mobile: str | None = None) -> str:
        return self._state.tokens.mint(*self._org_user(org_code, mobile))

    def expired_token(self, org_code: str) -> str:
        return self._state.tokens.mint_expired(*self._org_user(org_code))

    def forged_token(self, org_code: str) -> str:
        return self._state.tokens.forge(*self._org_user(org_code))

    def otp_for(self, mobile: str) -> str | None:
        """The OTP of the latest session generated for `mobile` (or e-mail), if any."""
        return self._state.otp.latest_otp(mobile)

    def manifest(
        self, org_code: str | None = None, *, include_sha256: bool = True
    ) -> list[ManifestEntry]:
        """Every file the org's first user may download (all orgs when `org_code` is None).
        Hashes on the calling thread (cached): prefer `manifest_async` for big worlds."""
        state = self._state
        return build_manifest(
            state.world, state.content, state.base_url, org_code, include_sha256=include_sha256
        )

    async def manifest_async(
        self, org_code: str | None = None, *, include_sha256: bool = True
    ) -> list[ManifestEntry]:
        return await asyncio.to_thread(self.manifest, org_code, include_sha256=include_sha256)

    def content_sha256(self, file: Document) -> str:
        """sha256 of a file's served bytes (streamed, cached)."""
        return self._state.content.sha256(file)

    def file_bytes(self, org_code: str, file_id: int) -> bytes:
        """The exact bytes the CDN serves for a file (small files only)."""
        org, _user = self._org_user(org_code)
        doc = self._state.index.file_by_id(org.id, file_id)
        if doc is None:
            raise LookupError(f"no file {file_id} in org {org_code!r}")
        return self._state.content.read(doc)


def _base_url(host: str, port: int) -> str:
    """The URL clients use; a wildcard bind is reached through loopback."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@asynccontextmanager
async def run_simulator(
    world: World | None = None,
    faults: FaultConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    middlewares: Sequence[Middleware] = (),
    control: bool = False,
) -> AsyncIterator[Simulator]:
    """Serve `world` (default: `demo_world()`) on a real socket until the block exits;
    `middlewares` let a test hold or observe requests; `control` serves the routes that
    publish files (see publishing.py)."""
    state = SimulatorState.for_world(world or demo_world(), FaultInjector(faults))
    app = build_app(state, middlewares, control=control)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        state.base_url = _base_url(host, runner.addresses[0][1])
        yield Simulator(state)
    finally:
        await runner.cleanup()
