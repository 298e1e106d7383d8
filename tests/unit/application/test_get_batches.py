"""GetBatches: the batches the caller's own account can open, cached per user with a TTL."""

from dataclasses import replace
from datetime import timedelta

import pytest

from cpbatch.application.listings import ListingService
from cpbatch.application.use_cases import GetBatches, LookupOrg
from cpbatch.domain.errors import AuthenticationError, OrgCodeNotFoundError, ValidationError
from support.app import Services, build_services
from support.fakes import FakeClassPlus, make_token

TTL = 300.0
ALICE = make_token("a")
BOB = make_token("b")


@pytest.fixture
def gateway() -> FakeClassPlus:
    gateway = FakeClassPlus()
    org = gateway.add_org("demo")
    physics, maths = gateway.add_batch(org, 1, "Physics"), gateway.add_batch(org, 2, "Maths")
    gateway.grant(ALICE, physics, maths)
    gateway.grant(BOB, maths)
    return gateway


@pytest.fixture
def app(gateway: FakeClassPlus) -> Services:
    return build_services(gateway, ttl_s=TTL)


@pytest.fixture
def get_batches(app: Services) -> GetBatches:
    return app.get_batches()


async def test_lists_the_org_and_only_the_batches_the_callers_account_can_open(
    get_batches: GetBatches,
) -> None:
    alices = await get_batches.execute(ALICE, "DEMO")
    bobs = await get_batches.execute(BOB, "demo")

    assert alices.org.name == "Demo Academy"
    assert [b.name for b in alices.batches] == ["Physics", "Maths"]
    assert [b.name for b in bobs.batches] == ["Maths"]


async def test_a_second_call_within_the_ttl_is_served_from_the_cache(
    get_batches: GetBatches, gateway: FakeClassPlus
) -> None:
    first = await get_batches.execute(ALICE, "demo")
    upstream_calls = gateway.calls.copy()

    second = await get_batches.execute(ALICE, "demo")

    assert second == first
    assert gateway.calls == upstream_calls


async def test_another_users_call_is_not_served_from_the_first_users_cache(
    get_batches: GetBatches, gateway: FakeClassPlus
) -> None:
    await get_batches.execute(ALICE, "demo")

    await get_batches.execute(BOB, "demo")

    assert gateway.calls["list_batches"] == 2


async def test_force_refresh_asks_upstream_again(
    get_batches: GetBatches, gateway: FakeClassPlus
) -> None:
    await get_batches.execute(ALICE, "demo")
    gateway.grant(ALICE, gateway.add_batch(gateway.orgs["demo"], 3, "Chemistry"))

    refreshed = await get_batches.execute(ALICE, "demo", force_refresh=True)

    assert gateway.calls["list_batches"] == 2
    assert "Chemistry" in [b.name for b in refreshed.batches]


async def test_the_listing_is_fetched_again_once_the_ttl_has_passed(
    get_batches: GetBatches, gateway: FakeClassPlus, app: Services
) -> None:
    await get_batches.execute(ALICE, "demo")

    app.clock.advance(TTL)
    await get_batches.execute(ALICE, "demo")

    assert gateway.calls["list_batches"] == 2


async def test_the_listing_is_still_cached_just_before_the_ttl_ends(
    get_batches: GetBatches, gateway: FakeClassPlus, app: Services
) -> None:
    await get_batches.execute(ALICE, "demo")

    app.clock.advance(TTL - 1)
    await get_batches.execute(ALICE, "demo")

    assert gateway.calls["list_batches"] == 1


async def test_a_listing_read_often_still_expires_ttl_after_it_was_fetched(
    get_batches: GetBatches, gateway: FakeClassPlus, app: Services
) -> None:
    await get_batches.execute(ALICE, "demo")
    app.clock.advance(TTL - 1)
    await get_batches.execute(ALICE, "demo")  # a read just before expiry

    app.clock.advance(2)  # now TTL + 1 after the fetch
    await get_batches.execute(ALICE, "demo")

    assert gateway.calls["list_batches"] == 2


async def test_a_fresh_listing_survives_a_restart_through_the_repository(
    get_batches: GetBatches, gateway: FakeClassPlus, app: Services
) -> None:
    await get_batches.execute(ALICE, "demo")
    restarted = GetBatches(ListingService(gateway, app.repository, TTL, clock=app.clock))

    listing = await restarted.execute(ALICE, "demo")

    assert [b.name for b in listing.batches] == ["Physics", "Maths"]
    assert gateway.calls["list_batches"] == 1


async def test_a_listing_loaded_after_a_restart_still_expires_ttl_after_it_was_fetched(
    get_batches: GetBatches, gateway: FakeClassPlus, app: Services
) -> None:
    fresh = await get_batches.execute(ALICE, "demo")
    # The repository holds it as fetched TTL - 1 seconds ago, on both of the service's clocks.
    aged = replace(fresh, fetched_at=fresh.fetched_at - timedelta(seconds=TTL - 1))
    app.repository.org_listings[(ALICE.principal, "demo")] = (app.clock() - (TTL - 1), aged)
    restarted = GetBatches(ListingService(gateway, app.repository, TTL, clock=app.clock))
    await restarted.execute(ALICE, "demo")  # served from the repository

    app.clock.advance(2)
    await restarted.execute(ALICE, "demo")

    assert gateway.calls["list_batches"] == 2


@pytest.mark.parametrize("code", ["", "x", "no spaces", "../etc", "a" * 41])
async def test_an_invalid_org_code_is_rejected_before_asking_upstream(
    get_batches: GetBatches, gateway: FakeClassPlus, code: str
) -> None:
    with pytest.raises(ValidationError):
        await get_batches.execute(ALICE, code)

    assert not gateway.calls


async def test_an_unknown_org_code_is_reported_as_such(get_batches: GetBatches) -> None:
    with pytest.raises(OrgCodeNotFoundError):
        await get_batches.execute(ALICE, "nosuchorg")


async def test_a_token_upstream_does_not_accept_is_an_authentication_error(
    get_batches: GetBatches,
) -> None:
    with pytest.raises(AuthenticationError):
        await get_batches.execute(make_token("z"), "demo")


async def test_lookup_org_needs_no_token_and_validates_the_code(gateway: FakeClassPlus) -> None:
    lookup = LookupOrg(gateway)

    assert (await lookup.execute(" Demo ")).id == 7
    with pytest.raises(ValidationError):
        await lookup.execute("?")
    assert gateway.calls["lookup_org"] == 1
