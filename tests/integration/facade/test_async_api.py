"""The async Python API from a plain script, as the README shows it: the use cases resolved from
the container against the simulator, with the redacting log pipeline in place even though the
script configured no logging."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path

import pytest

from cpbatch.entrypoints.simulator import run_simulator

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path

    from cpbatch.application.use_cases import SyncRequest
    from cpbatch.domain.identifiers import AccessToken
    from cpbatch.entrypoints.bootstrap import resolved, running
    from cpbatch.entrypoints.config import load_settings

    async def main(token: str) -> None:
        async with running(load_settings(env_file=None)) as container:
            get_batches = await resolved(container.get_batches())
            listing = await get_batches.execute(AccessToken.parse(token), "learnwell")
            sync_org = await resolved(container.sync_org())
            report = await sync_org.execute(SyncRequest(
                token=AccessToken.parse(token), org_code="learnwell",
                destination=Path("downloads")))
            print("RESULT", len(listing.batches), report.downloaded)

    asyncio.run(main(sys.stdin.readline().strip()))
    """
)


@pytest.mark.e2e
async def test_the_readme_script_syncs_and_logs_nothing_secret(tmp_path: Path) -> None:
    async with run_simulator() as sim:
        token = sim.token_for("learnwell")
        manifest = await sim.manifest_async("learnwell")
        env = {
            "CLASSPLUS_BASE_URL": sim.base_url,
            "CLASSPLUS_ALLOW_LOOPBACK": "true",
            "RATE_LIMIT_REQUESTS": "500",
            "DATA_DIR": str(tmp_path / "data"),
            "LOG_LEVEL": "DEBUG",
            "PYTHONPATH": ":".join(sys.path),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SCRIPT, cwd=tmp_path, env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(token.encode() + b"\n"), 120)

    stdout, stderr = out.decode(), err.decode()
    assert process.returncode == 0, stderr
    downloadable = [e for e in manifest if e.get("downloadable", True)]
    assert f"RESULT 6 {len(downloadable)}" in stdout
    assert "sqlite_opened" in stderr  # DEBUG lines came, through cpbatch's pipeline
    assert token not in stdout + stderr
    assert token.split(".")[1] not in stdout + stderr
