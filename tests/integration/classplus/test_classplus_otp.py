"""OTP login and token checks against the simulator on a real loopback socket.

OTP endpoints are never retried: every call below must cost exactly one request upstream.
"""

from __future__ import annotations

import logging

import pytest
import structlog

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.errors import AuthenticationError, RateLimitExceededError, ValidationError
from cpbatch.domain.identifiers import AccessToken
from cpbatch.entrypoints.simulator import Simulator
from cpbatch.entrypoints.simulator.faults import FaultConfig
from support.classplus_kit import org_of, token

ASHA, KABIR, ROHAN = "9000000001", "9000000004", "9000000002"


async def login(gateway: ClassPlusHttpGateway, sim: Simulator, mobile: str, org_code: str):
    """Request, read the SMS (the simulator keeps it per 10-digit number), verify."""
    org = await org_of(gateway, org_code)
    session_id = await gateway.request_otp(org, mobile)
    otp = sim.otp_for("".join(filter(str.isdigit, mobile))[-10:])
    assert otp is not None
    return org, await gateway.verify_otp(org, mobile, session_id, otp)


async def test_the_right_otp_gives_a_token_that_lists_batches(gateway, sim):
    org, tok = await login(gateway, sim, ASHA, "learnwell")
    batches = await gateway.list_batches(org, tok)
    minted = AccessToken.parse(sim.token_for("learnwell", ASHA))
    assert batches
    assert batches == await gateway.list_batches(org, minted)
    assert sim.stats.requests["otp_generate"] == 1
    assert sim.stats.requests["users_verify"] == 1


async def test_each_user_gets_their_own_account(gateway, sim):
    org, kabirs = await login(gateway, sim, f"+91 {KABIR[:5]} {KABIR[5:]}", "learnwell")
    _, ashas = await login(gateway, sim, f"91{ASHA}", "learnwell")
    assert kabirs.secret != ashas.secret
    kabir_batches = {b.key for b in await gateway.list_batches(org, kabirs)}
    asha_batches = {b.key for b in await gateway.list_batches(org, ashas)}
    assert kabir_batches != asha_batches


async def test_a_wrong_otp_is_refused(gateway, sim):
    org = await org_of(gateway)
    session_id = await gateway.request_otp(org, ASHA)
    right = sim.otp_for(ASHA)
    assert right is not None
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with pytest.raises(AuthenticationError, match="OTP is not right") as err:
        await gateway.verify_otp(org, ASHA, session_id, wrong)
    assert right not in str(err.value)
    assert wrong not in str(err.value)
    assert sim.stats.requests["users_verify"] == 1


async def test_an_unknown_session_is_refused_as_a_wrong_otp(gateway, sim):
    org = await org_of(gateway)
    with pytest.raises(AuthenticationError, match="OTP"):
        await gateway.verify_otp(org, ASHA, "0" * 32, "123456")


async def test_a_number_without_an_account_in_the_org_is_not_registered(gateway, sim):
    with pytest.raises(AuthenticationError, match="no account in LearnWell Academy") as err:
        await login(gateway, sim, ROHAN, "learnwell")  # Rohan studies at BrightPath
    assert "never creates accounts" in str(err.value)
    assert sim.stats.requests["users_verify"] == 1


async def test_throttled_otps_raise_after_exactly_one_request_each(gateway, sim):
    org = await org_of(gateway)
    for _ in range(5):
        await gateway.request_otp(org, ASHA)
    for calls in (6, 7):
        with pytest.raises(RateLimitExceededError, match="paused OTPs"):
            await gateway.request_otp(org, ASHA)
        assert sim.stats.requests["otp_generate"] == calls
    assert gateway.stats.retries == 0


@pytest.mark.parametrize("fault", [FaultConfig(rate_429=1.0, scope="api"),
                                   FaultConfig(rate_5xx=1.0, scope="api")])  # fmt: skip
async def test_otp_calls_are_never_retried_even_on_429_or_5xx(gateway, sim, fault):
    org = await org_of(gateway)
    sim.faults = fault
    with pytest.raises(Exception) as err:  # noqa: PT011 - the type depends on the fault
        await gateway.request_otp(org, ASHA)
    with pytest.raises(type(err.value)):
        await gateway.verify_otp(org, ASHA, "a" * 32, "123456")
    assert sim.stats.requests["otp_generate"] == 1
    assert sim.stats.requests["users_verify"] == 1
    assert gateway.stats.retries == 0


@pytest.mark.parametrize("mobile", ["", "12345", "900000000a", "+44 9000000001", "090000000012"])
async def test_a_malformed_number_is_refused_before_any_request(gateway, sim, mobile):
    org = await org_of(gateway)
    with pytest.raises(ValidationError, match="mobile number") as err:
        await gateway.request_otp(org, mobile)
    if mobile:
        assert mobile not in str(err.value)
    with pytest.raises(ValidationError):
        await gateway.verify_otp(org, mobile, "a" * 32, "123456")
    assert sim.stats.requests["otp_generate"] == 0
    assert sim.stats.requests["users_verify"] == 0


@pytest.mark.parametrize("otp", ["", "12", "12345a", "１２３４５６"])
async def test_a_malformed_otp_is_refused_before_any_request(gateway, sim, otp):
    org = await org_of(gateway)
    with pytest.raises(ValidationError, match="OTP"):
        await gateway.verify_otp(org, ASHA, "a" * 32, otp)
    assert sim.stats.requests["users_verify"] == 0


async def test_check_token_accepts_a_working_token_with_one_cheap_call(gateway, sim):
    org = await org_of(gateway)
    await gateway.check_token(org, token(sim))
    assert sim.stats.requests["courses"] == 1


async def test_check_token_refuses_expired_and_other_org_tokens_locally(gateway, sim):
    org = await org_of(gateway, "learnwell")
    with pytest.raises(AuthenticationError, match="expired"):
        await gateway.check_token(org, AccessToken.parse(sim.expired_token("learnwell")))
    with pytest.raises(AuthenticationError, match="another organization"):
        await gateway.check_token(org, token(sim, "brightpath"))
    assert sim.stats.requests["courses"] == 0


async def test_check_token_refuses_a_forged_token_after_asking_once(gateway, sim):
    org = await org_of(gateway)
    forged = AccessToken.parse(sim.forged_token("learnwell"))
    with pytest.raises(AuthenticationError, match="log in again") as err:
        await gateway.check_token(org, forged)
    assert forged.secret not in str(err.value)
    assert sim.stats.requests["courses"] == 1
    assert gateway.stats.retries == 0


async def test_neither_the_otp_nor_the_token_is_ever_logged(gateway, sim, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as logs:
        org, tok = await login(gateway, sim, ASHA, "learnwell")
        await gateway.check_token(org, tok)
        session_id = await gateway.request_otp(org, ASHA)
        with pytest.raises(AuthenticationError):
            await gateway.verify_otp(org, ASHA, session_id, "000000")
    otp = sim.otp_for(ASHA)
    assert otp is not None
    captured = capsys.readouterr()
    everything = "\n".join([repr(logs), caplog.text, captured.out, captured.err])
    assert logs, "the OTP flow should log its steps"
    for secret in (otp, tok.secret, session_id, ASHA):
        assert secret not in everything
