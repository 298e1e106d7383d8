"""Everything one running simulator knows, shared by its handlers through the app."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from cpbatch.entrypoints.simulator.content import ContentSource
from cpbatch.entrypoints.simulator.envelope import ApiFailure
from cpbatch.entrypoints.simulator.faults import FaultInjector
from cpbatch.entrypoints.simulator.index import WorldIndex
from cpbatch.entrypoints.simulator.listing_quirks import SyntheticIds
from cpbatch.entrypoints.simulator.otp import OtpDesk
from cpbatch.entrypoints.simulator.stats import SimulatorStats
from cpbatch.entrypoints.simulator.tokens import TokenAuthority, TokenRejected
from cpbatch.entrypoints.simulator.world import Org, User, World


@dataclass(slots=True)
class SimulatorState:
    world: World
    index: WorldIndex
    content: ContentSource
    tokens: TokenAuthority
    otp: OtpDesk
    faults: FaultInjector
    stats: SimulatorStats = field(default_factory=SimulatorStats)
    base_url: str = "http://127.0.0.1"
    synthetic_ids: SyntheticIds = field(default_factory=SyntheticIds)  # endless listings

    @classmethod
    def for_world(cls, world: World, faults: FaultInjector) -> SimulatorState:
        return cls(
            world=world,
            index=WorldIndex(world),
            content=ContentSource(world.seed),
            tokens=TokenAuthority(),
            otp=OtpDesk(world.seed),
            faults=faults,
        )

    def authenticate(self, request: web.Request) -> tuple[Org, User]:
        """The org and user behind `x-access-token`; `ApiFailure(401)` otherwise."""
        token = request.headers.get("x-access-token", "").strip()
        if not token:
            raise ApiFailure(401, "Access token is missing.")
        try:
            claims = self.tokens.verify(token)
        except TokenRejected as rejected:
            raise ApiFailure(401, f"Token expired or invalid ({rejected}).") from rejected
        org = self.world.org_by_id(claims.org_id)
        user = None if org is None else next((u for u in org.users if u.id == claims.user_id), None)
        if org is None or user is None:
            raise ApiFailure(401, "Token expired or invalid (unknown user).")
        return org, user


STATE_KEY = web.AppKey("simulator_state", SimulatorState)


def state_of(request: web.Request) -> SimulatorState:
    return request.app[STATE_KEY]
