"""`cpbatch login`, `logout`, `status` and the stored login every command falls back to, run as
a subprocess against the simulator's OTP flow. The harness gives the CLI keyring's null backend
(never the keyring of the machine running the tests), so the key is a file unless a test says
otherwise."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat

import pytest
from cryptography.fernet import Fernet

from support.cli.harness import Cli
from support.cli.login import (
    ASHA,
    CTRL_C,
    ROHAN,
    STRANGER,
    answers,
    next_otp,
    run_on_terminal,
    use_up_otps,
)

pytestmark = pytest.mark.e2e

OTP_PROMPT = "OTP ClassPlus sent"


def key_file(cli: Cli):
    return cli.data_dir / "cli-login.key"


async def logged_in(cli: Cli) -> None:
    result = await cli("login", "learnwell", stdin=answers(ASHA, next_otp(cli.sim, ASHA)))
    assert result.code == 0, result.stderr


def replace_stored_ciphertext(cli: Cli, ciphertext: bytes) -> None:
    with sqlite3.connect(cli.data_dir / "metadata.sqlite3") as db:
        changed = db.execute(
            "UPDATE credentials SET ciphertext = ? WHERE user_id = 0 AND org_code = 'learnwell'",
            (ciphertext,),
        ).rowcount
    assert changed == 1


async def test_login_with_an_otp_then_commands_need_no_token(cli: Cli) -> None:
    otp = next_otp(cli.sim, ASHA)

    login = await cli("login", "learnwell", stdin=answers(ASHA, otp))

    assert login.code == 0, login.stderr
    assert cli.sim.otp_for(ASHA) == otp  # the code ClassPlus sent is the one typed
    assert "Logged in to LearnWell Academy (learnwell) as" in login.stdout
    assert otp not in login.stdout + login.stderr
    stored = (cli.data_dir / "metadata.sqlite3").read_bytes()
    assert b"eyJ" not in stored  # ciphertext only: no JWT at rest

    batches = await cli("batches", "learnwell", "--json")  # no --token, no CLASSPLUS_TOKEN

    assert batches.code == 0, batches.stderr
    assert batches.json()["batches"]
    assert "Warning" not in batches.stderr  # 7 days left: not within the default 3


async def test_a_wrong_otp_is_refused_and_nothing_is_stored(cli: Cli) -> None:
    right = next_otp(cli.sim, ASHA)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    result = await cli("login", "learnwell", stdin=answers(ASHA, wrong))

    assert result.code == 3
    assert "That OTP is not right" in result.stderr
    assert wrong not in result.stdout + result.stderr
    assert not key_file(cli).exists()
    status = await cli("status", "--json")
    assert status.json() == {"logins": []}


async def test_an_unregistered_number_is_told_so_and_nothing_is_stored(cli: Cli) -> None:
    result = await cli("login", "learnwell", stdin=answers(STRANGER, next_otp(cli.sim, STRANGER)))

    assert result.code == 3
    assert "This number has no account in LearnWell Academy" in result.stderr
    assert (await cli("status", "--json")).json() == {"logins": []}


async def test_a_throttled_number_gets_the_wait_message_and_no_otp_prompt(cli: Cli) -> None:
    await use_up_otps(cli.sim, "learnwell", ASHA)
    asked_before = cli.sim.stats.requests["otp_generate"]

    result = await cli("login", "learnwell", stdin=answers(ASHA, next_otp(cli.sim, ASHA)))

    assert result.code == 8
    assert "ClassPlus has paused OTPs for this number" in result.stderr
    assert OTP_PROMPT not in result.stderr  # it stopped before asking for a code
    assert cli.sim.stats.requests["otp_generate"] == asked_before + 1  # never asked again
    assert not key_file(cli).exists()


async def test_the_otp_is_never_echoed_on_a_terminal(cli: Cli) -> None:
    run = await asyncio.to_thread(
        run_on_terminal,
        cli,
        ["login", "learnwell"],
        [("Mobile number", lambda: ASHA), (OTP_PROMPT, lambda: cli.sim.otp_for(ASHA) or "")],
    )

    assert run.code == 0, run.output
    assert ASHA in run.output  # the terminal echoes what is typed...
    otp_shown = next_otp(cli.sim, ASHA) in run.output
    assert not otp_shown  # ...except the OTP (not quoted here: a failure would print it)
    assert "Logged in to LearnWell Academy" in run.output


@pytest.mark.parametrize(
    "typed",
    [[("Mobile number", CTRL_C)], [("Mobile number", ASHA), (OTP_PROMPT, CTRL_C)]],
    ids=["at the mobile prompt", "at the OTP prompt"],
)
async def test_ctrl_c_at_a_prompt_ends_the_login_and_echo_comes_back(
    cli: Cli, typed: list[tuple[str, str]]
) -> None:
    replies = [(prompt, lambda text=text: text) for prompt, text in typed]

    run = await asyncio.to_thread(run_on_terminal, cli, ["login", "learnwell"], replies)

    assert run.code == 130, run.output
    assert "Interrupted." in run.output
    assert run.echoes_after
    assert (await cli("status", "--json")).json() == {"logins": []}


async def test_a_token_typed_for_token_dash_is_never_echoed(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")

    run = await asyncio.to_thread(
        run_on_terminal, cli, ["batches", "learnwell", "--token", "-"], [("token", lambda: token)]
    )

    assert run.code == 0, run.output
    assert "Physics Complete Course" in run.output
    assert token not in run.output


async def test_a_token_from_standard_input(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")

    batches = await cli("batches", "learnwell", "--token", "-", stdin=token + "\n")
    login = await cli("login", "learnwell", "--token", "-", stdin=token)
    files = await cli("files", "learnwell", "course:41004")

    assert batches.code == 0, batches.stderr
    assert login.code == 0, login.stderr
    assert files.code == 0, files.stderr
    for result in (batches, login, files):
        assert token not in result.stdout + result.stderr
    empty = await cli("batches", "learnwell", "--token", "-", stdin="")
    assert empty.code == 2
    assert "found no token on standard input" in empty.stderr


async def test_status_shows_org_name_and_expiry_never_the_token(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell", ASHA)
    assert (await cli("login", "learnwell", "--token", "-", stdin=token)).code == 0

    table = await cli("status")
    listed = await cli("status", "--json")

    assert table.code == 0, table.stderr
    assert "learnwell" in table.stdout
    assert "Asha" in table.stdout
    assert "(in 6 days)" in table.stdout or "(in 7 days)" in table.stdout
    [login] = listed.json()["logins"]
    assert login["org_code"] == "learnwell"
    assert login["account_name"].startswith("Asha")
    assert login["expires_at"]
    for result in (table, listed):
        assert token not in result.stdout + result.stderr
        assert token.split(".")[2] not in result.stdout + result.stderr


async def test_the_key_file_is_owner_only_and_logout_removes_login_and_key(cli: Cli) -> None:
    await logged_in(cli)

    mode = stat.S_IMODE(os.stat(key_file(cli)).st_mode)
    assert mode == 0o600
    assert not list(cli.data_dir.glob(".cli-login.key.*"))  # no temporary left behind

    logout = await cli("logout", "learnwell")

    assert logout.code == 0, logout.stderr
    assert "Logged out of 'learnwell'" in logout.stdout
    assert not key_file(cli).exists()
    assert (await cli("status", "--json")).json() == {"logins": []}
    after = await cli("batches", "learnwell")
    assert after.code == 2
    assert "cpbatch login learnwell" in after.stderr


async def test_a_key_file_others_can_read_is_refused(cli: Cli) -> None:
    await logged_in(cli)
    key_file(cli).chmod(0o644)

    result = await cli("batches", "learnwell")

    assert result.code == 3
    assert "can be read by other users" in result.stderr
    assert key_file(cli).read_text().strip() not in result.stdout + result.stderr


async def test_a_stored_login_near_its_expiry_warns_once(cli: Cli) -> None:
    await logged_in(cli)
    cli.extra_env["LOGIN_EXPIRY_WARNING_DAYS"] = "8"  # the simulator's tokens last 7 days

    result = await cli("sync", "learnwell", "--dry-run")

    assert result.code == 0, result.stderr
    assert result.stderr.count("Warning: your login to 'learnwell' expires on") == 1
    assert "cpbatch login learnwell" in result.stderr
    assert "Warning" not in result.stdout


async def test_a_given_token_wins_over_the_stored_login_and_does_not_warn(cli: Cli) -> None:
    await logged_in(cli)
    cli.extra_env["LOGIN_EXPIRY_WARNING_DAYS"] = "8"

    result = await cli("batches", "learnwell", token=cli.sim.forged_token("learnwell"))

    assert result.code == 3  # the forged CLASSPLUS_TOKEN was used, not the good stored one
    assert "Warning" not in result.stderr


async def test_an_expired_stored_login_asks_to_log_in_again(cli: Cli) -> None:
    await logged_in(cli)
    key = key_file(cli).read_bytes().strip()
    expired = cli.sim.expired_token("learnwell")
    replace_stored_ciphertext(cli, Fernet(key).encrypt(expired.encode()))

    result = await cli("batches", "learnwell")
    status = await cli("status")

    assert result.code == 3
    assert "Your login to 'learnwell' expired on" in result.stderr
    assert "cpbatch login learnwell" in result.stderr
    assert "expired on" in status.stdout
    for shown in (result, status):
        assert expired not in shown.stdout + shown.stderr


async def test_a_damaged_stored_login_is_reported_and_listed_unreadable(cli: Cli) -> None:
    await logged_in(cli)
    replace_stored_ciphertext(cli, b"gAAAAA-damaged")

    result = await cli("sync", "learnwell", "--dry-run")
    status = await cli("status", "--json")

    assert result.code == 3
    assert "The stored login for 'learnwell' cannot be read" in result.stderr
    assert status.code == 0, status.stderr
    assert status.json()["logins"] == [
        {"org_code": "learnwell", "account_name": None, "expires_at": None, "readable": False}
    ]
    again = await cli("login", "learnwell", stdin=answers(ASHA, next_otp(cli.sim, ASHA)))
    assert again.code == 0, again.stderr
    assert (await cli("batches", "learnwell")).code == 0


async def test_a_key_problem_stops_a_login_before_an_otp_is_spent(cli: Cli) -> None:
    await logged_in(cli)
    key_file(cli).chmod(0o644)  # brightpath's login must share learnwell's key, unusable now
    asked_before = cli.sim.stats.requests["otp_generate"]

    result = await cli("login", "brightpath", stdin=answers(ROHAN, next_otp(cli.sim, ROHAN)))

    assert result.code == 3
    assert "can be read by other users" in result.stderr
    assert OTP_PROMPT not in result.stderr
    assert cli.sim.stats.requests["otp_generate"] == asked_before


async def test_a_key_no_stored_login_uses_is_replaced_by_the_next_login(cli: Cli) -> None:
    cli.data_dir.mkdir(mode=0o700)
    key_file(cli).write_text("left over, and damaged\n")
    key_file(cli).chmod(0o644)

    await logged_in(cli)

    assert stat.S_IMODE(os.stat(key_file(cli)).st_mode) == 0o600
    assert (await cli("batches", "learnwell")).code == 0


@pytest.mark.parametrize(
    "backend",
    [
        "keyring.backends.fail.Keyring",  # keyring's answer on a headless machine
        "keyring.backends.chainer.ChainerBackend",  # a chain of no usable backend
        "no.such.KeyringBackend",  # a keyring setting that cannot be loaded
    ],
)
async def test_without_a_usable_keyring_the_key_is_a_file(cli: Cli, backend: str) -> None:
    cli.extra_env["PYTHON_KEYRING_BACKEND"] = backend

    await logged_in(cli)
    batches = await cli("batches", "learnwell")

    assert batches.code == 0, batches.stderr
    assert stat.S_IMODE(os.stat(key_file(cli)).st_mode) == 0o600
    assert (await cli("logout")).code == 0
    assert not key_file(cli).exists()


async def test_the_os_keyring_keeps_the_key_when_one_is_usable(cli: Cli, tmp_path) -> None:
    keyring_file = tmp_path / "keyring.json"
    tests_dir = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    cli.extra_env.update(
        PYTHON_KEYRING_BACKEND="support.keyrings.FileKeyring",
        TEST_KEYRING_FILE=str(keyring_file),
        PYTHONPATH=tests_dir,
    )

    await logged_in(cli)
    batches = await cli("batches", "learnwell")

    assert batches.code == 0, batches.stderr
    assert not key_file(cli).exists()
    assert "cli-login-key:" in keyring_file.read_text()
    assert (await cli("logout")).code == 0
    assert "cli-login-key:" not in keyring_file.read_text()


async def test_a_keyring_out_of_reach_for_one_session_never_costs_the_other_logins(
    cli: Cli, tmp_path
) -> None:
    """The key is in the OS keyring; a login made where that keyring does not answer (over
    SSH without a desktop session, say) must not make a new key the first login cannot use."""
    keyring_file = tmp_path / "keyring.json"
    tests_dir = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    with_keyring = {
        "PYTHON_KEYRING_BACKEND": "support.keyrings.FileKeyring",
        "TEST_KEYRING_FILE": str(keyring_file),
        "PYTHONPATH": tests_dir,
    }
    cli.extra_env.update(with_keyring)
    await logged_in(cli)
    cli.extra_env.clear()
    cli.extra_env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    asked_before = cli.sim.stats.requests["otp_generate"]

    refused = await cli("login", "brightpath", stdin=answers(ROHAN, next_otp(cli.sim, ROHAN)))
    also = await cli("login", "brightpath", "--token", "-", stdin=cli.sim.token_for("brightpath"))

    assert refused.code == 3
    assert "cannot be found here" in refused.stderr
    assert OTP_PROMPT not in refused.stderr
    assert cli.sim.stats.requests["otp_generate"] == asked_before
    assert also.code == 3
    assert not key_file(cli).exists()
    cli.extra_env.clear()
    cli.extra_env.update(with_keyring)
    assert (await cli("batches", "learnwell")).code == 0


async def test_token_dash_takes_the_first_line_of_a_password_manager_entry(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")

    result = await cli(
        "batches", "learnwell", "--token", "-", stdin=f"\n{token}\nuser: asha\nurl: x\n"
    )

    assert result.code == 0, result.stderr
    assert token not in result.stdout + result.stderr


@pytest.mark.mongo
async def test_a_login_stored_in_mongodb(mongo_cli: Cli) -> None:
    await logged_in(mongo_cli)

    batches = await mongo_cli("batches", "learnwell")
    status = await mongo_cli("status", "--json")

    assert batches.code == 0, batches.stderr
    assert [login["org_code"] for login in status.json()["logins"]] == ["learnwell"]
    assert key_file(mongo_cli).exists()  # the key stays on this machine
