"""Tokens: expired and other-org tokens are refused before any call; forged ones by upstream."""

from __future__ import annotations

import pytest
import structlog

from cpbatch.domain.errors import AuthenticationError
from cpbatch.domain.identifiers import AccessToken
from support.classplus_kit import org_of, token


async def test_expired_token_is_refused_without_calling_upstream(gateway, sim):
    org = await org_of(gateway)
    with pytest.raises(AuthenticationError, match="expired"):
        await gateway.list_batches(org, AccessToken.parse(sim.expired_token("learnwell")))
    assert sim.stats.requests["courses"] == 0


async def test_token_of_another_org_is_refused_without_calling_upstream(gateway, sim):
    org = await org_of(gateway, "learnwell")
    with pytest.raises(AuthenticationError, match="another organization"):
        await gateway.list_batches(org, token(sim, "brightpath"))
    assert sim.stats.requests["courses"] == 0


async def test_forged_token_is_refused_by_upstream_once_not_retried(gateway, sim):
    org = await org_of(gateway)
    forged = AccessToken.parse(sim.forged_token("learnwell"))
    with structlog.testing.capture_logs() as logs, pytest.raises(AuthenticationError) as err:
        await gateway.list_batches(org, forged)
    assert "log in again" in str(err.value)
    assert forged.secret not in str(err.value)
    assert sim.stats.requests["courses"] == 1
    assert gateway.stats.retries == 0
    assert not any(forged.secret in repr(entry) for entry in logs)


async def test_list_files_checks_the_token_too(gateway, sim):
    org = await org_of(gateway)
    batches = await gateway.list_batches(org, token(sim))
    with pytest.raises(AuthenticationError):
        await gateway.list_files(batches[0], AccessToken.parse(sim.expired_token("learnwell")))
