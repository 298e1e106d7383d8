"""The CLI's answers to bad input, bad tokens and unknown things: clear, specific, distinct
exit codes, no traceback, and never the token."""

from __future__ import annotations

import pytest

from support.cli.harness import Cli

pytestmark = pytest.mark.e2e


async def test_invalid_org_code_is_refused_before_any_request(cli: Cli) -> None:
    result = await cli("batches", "not a code!", token=cli.sim.token_for("learnwell"))

    assert result.code == 2
    assert "organization code" in result.stderr
    assert sum(cli.sim.stats.requests.values()) == 0
    assert "Traceback" not in result.stderr


async def test_unknown_org_is_not_found(cli: Cli) -> None:
    result = await cli("org", "nosuchorg")

    assert result.code == 4
    assert "Traceback" not in result.stderr


async def test_missing_expired_and_forged_tokens_are_authentication_errors(cli: Cli) -> None:
    missing = await cli("batches", "learnwell")
    assert missing.code == 2
    assert "CLASSPLUS_TOKEN" in missing.stderr

    for token in (cli.sim.expired_token("learnwell"), cli.sim.forged_token("learnwell")):
        result = await cli("batches", "learnwell", token=token)
        assert result.code == 3, result.stderr
        assert token not in result.stdout + result.stderr


@pytest.mark.parametrize("payload", ["!!!", "bm90LWpzb24", "WzFd"])  # not base64, text, a list
async def test_a_damaged_token_is_bad_input_refused_before_any_request(
    cli: Cli, payload: str
) -> None:
    token = f"eyJhbGciOiJIUzM4NCJ9.{payload}.c2lnbmF0dXJl"

    result = await cli("batches", "learnwell", token=token)

    assert result.code == 2, result.stderr
    assert "damaged" in result.stderr
    assert token not in result.stdout + result.stderr
    assert sum(cli.sim.stats.requests.values()) == 0


async def test_token_never_appears_in_output_even_at_debug(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")
    cli.extra_env["LOG_LEVEL"] = "DEBUG"

    result = await cli("sync", "learnwell", "--json", token=token)

    assert result.code == 0, result.stderr[-2000:]
    assert token not in result.stdout
    assert token not in result.stderr
    assert token.split(".")[2] not in result.stderr  # not even the signature part


async def test_files_batches_and_download_by_file_id(cli: Cli) -> None:
    token = cli.sim.token_for("learnwell")
    manifest = await cli.sim.manifest_async("learnwell")
    entry = manifest[0]

    batches = await cli("batches", "learnwell", "--json", token=token)
    assert batches.code == 0, batches.stderr
    keys = {b["batch_key"] for b in batches.json()["batches"]}
    assert f"{entry['batch_source']}:{entry['batch_id']}" in keys

    files = await cli(
        "files", "learnwell", f"{entry['batch_source']}:{entry['batch_id']}", "--json", token=token
    )
    assert files.code == 0, files.stderr
    listed = {f["file_id"]: f for f in files.json()["files"]}
    assert listed[entry["file_id"]]["downloadable"] is True
    assert any(not f["downloadable"] for f in listed.values()) or entry["batch_source"] == "batch"

    got = await cli("download", "learnwell", str(entry["file_id"]), "--json", token=token)
    assert got.code == 0, got.stderr
    assert got.json()["sha256"] == entry["sha256"]

    other_org_file = await cli("download", "learnwell", "999999999", token=token)
    assert other_org_file.code == 4


async def test_an_unreachable_mongodb_stops_start_up_with_the_password_redacted(cli: Cli) -> None:
    password = "s3cret" + "Passw0rd"
    cli.extra_env["MONGODB_URI"] = (
        "mongodb://cpbatch:" + f"{password}@127.0.0.1:1/?directConnection=true"
    )
    cli.extra_env["MONGODB_TIMEOUT"] = "0.5"

    result = await cli("batches", "learnwell", token=cli.sim.token_for("learnwell"))

    assert result.code == 7, result.stderr
    assert "MongoDB" in result.stderr
    assert "cpbatch:***@127.0.0.1:1" in result.stderr
    assert password not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
