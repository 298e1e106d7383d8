"""The retry choke point: 5xx and 429 retried (Retry-After honoured), other 4xx never."""

from __future__ import annotations

import asyncio

import pytest
import structlog

from cpbatch.adapters.classplus import ClassPlusHttpGateway, GatewayStats
from cpbatch.adapters.classplus.errors import CallErrors
from cpbatch.adapters.classplus.http import ApiClient
from cpbatch.application.retry_count import counting_retries
from cpbatch.domain.errors import (
    AuthenticationError,
    DownloadFailedError,
    OrgCodeNotFoundError,
    RateLimitExceededError,
    UpstreamError,
)
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.entrypoints.simulator import FaultConfig
from support.classplus_kit import (
    downloadable_keys,
    everything,
    manifest_keys,
    org_of,
    settings_for,
    token,
)


async def test_random_5xx_are_retried_to_a_complete_listing(sim):
    sim.faults = FaultConfig(rate_5xx=0.3, scope="api", seed=3)
    async with ClassPlusHttpGateway(settings_for(sim, max_retries=8)) as gw:
        with structlog.testing.capture_logs() as logs:
            _, files = await everything(gw, sim)
        assert gw.stats.retries > 0
    assert downloadable_keys(files) == manifest_keys(sim)
    retries = [e for e in logs if e["event"] == "classplus_retry"]
    assert len(retries) == gw.stats.retries
    assert {"path", "attempt", "wait_s", "reason"} <= retries[0].keys()
    secret = token(sim).secret
    assert not any(secret in repr(e) or "/production/" in repr(e) for e in logs)


async def test_each_retry_is_reported_to_the_run_that_caused_it(sim):
    sim.faults = FaultConfig(rate_5xx=0.3, scope="all", seed=5)
    async with ClassPlusHttpGateway(settings_for(sim, max_retries=8)) as gw:
        await gw.lookup_org(OrgCode.parse("learnwell"))  # outside any run
        before = gw.stats.retries
        with counting_retries() as run:
            await everything(gw, sim)

    assert run.retries == gw.stats.retries - before
    assert run.retries > 0


async def test_429_waits_at_least_retry_after_capped_by_max_backoff(sim):
    sim.faults = FaultConfig(rate_429=0.5, retry_after_s=1.0, scope="api", seed=1)
    settings = settings_for(sim, max_retries=10, backoff_factor=0.001, max_backoff_s=0.2)
    async with ClassPlusHttpGateway(settings) as gw:
        with structlog.testing.capture_logs() as logs:
            org = await org_of(gw)
            await gw.list_batches(org, token(sim))
        assert gw.stats.retries > 0
    waits = [e["wait_s"] for e in logs if e["event"] == "classplus_retry"]
    assert waits
    assert all(w == 0.2 for w in waits)
    assert sim.stats.statuses[429] == len(waits)


async def test_persistent_500_gives_up_after_max_retries(sim):
    sim.faults = FaultConfig(rate_5xx=1.0, scope="api")
    async with ClassPlusHttpGateway(settings_for(sim, max_retries=2)) as gw:
        with pytest.raises(DownloadFailedError, match=r"did not answer /v2/orgs/learnwell after 3"):
            await org_of(gw)
        assert gw.stats.retries == 2
    assert sim.stats.requests["org"] == 3


async def test_persistent_429_is_rate_limit_exceeded_with_retry_after(sim):
    sim.faults = FaultConfig(rate_429=1.0, retry_after_s=2.0, scope="api")
    async with ClassPlusHttpGateway(settings_for(sim, max_retries=1)) as gw:
        with pytest.raises(RateLimitExceededError) as err:
            await org_of(gw)
    assert err.value.retry_after == 2.0
    assert sim.stats.requests["org"] == 2


async def test_400_is_not_retried_and_quotes_the_upstream_message(sim):
    api = ApiClient(settings_for(sim), stats := GatewayStats())
    errors = CallErrors("/v2/course/content/get", not_found="gone", forbidden="not yours")
    try:
        with pytest.raises(UpstreamError, match=r"HTTP 400\): Invalid courseId"):
            await api.call("GET", errors.path, errors, token=token(sim), params={"courseId": "abc"})
    finally:
        await api.close()
    assert sim.stats.requests["course_content"] == 1
    assert stats.retries == 0


async def test_401_and_404_are_not_retried(gateway, sim):
    org = await org_of(gateway)
    with pytest.raises(AuthenticationError):
        await gateway.list_batches(org, AccessToken.parse(sim.forged_token("learnwell")))
    with pytest.raises(OrgCodeNotFoundError):
        await gateway.lookup_org(OrgCode.parse("nosuch"))
    assert sim.stats.requests["courses"] == 1
    assert sim.stats.requests["org"] == 2
    assert gateway.stats.retries == 0


async def test_api_rate_limiter_keeps_within_the_servers_budget(sim):
    # The simulator's token bucket (20 requests/s, bursts of 20) answers 429 to any excess:
    # it counts what arrives per window. The client allows 8 per 0.5 s (bursts of 8).
    sim.faults = FaultConfig(max_requests_per_second=20, scope="api")
    settings = settings_for(sim, rate_limit_requests=8, rate_limit_period_s=0.5, max_retries=0)
    async with ClassPlusHttpGateway(settings) as gw:
        await asyncio.gather(*(org_of(gw) for _ in range(30)))
        assert gw.stats.requests == 30
    assert sim.stats.statuses[429] == 0
    assert sim.stats.requests["org"] == 30


async def test_without_the_limiter_the_same_burst_is_throttled(sim):
    sim.faults = FaultConfig(max_requests_per_second=20, scope="api")
    async with ClassPlusHttpGateway(settings_for(sim, max_retries=0)) as gw:
        results = await asyncio.gather(*(org_of(gw) for _ in range(30)), return_exceptions=True)
    assert sim.stats.statuses[429] > 0
    assert any(isinstance(r, RateLimitExceededError) for r in results)
