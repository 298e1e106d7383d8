"""`python -m cpbatch.entrypoints.simulator` as a real process: manifest mode and serve mode."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import sys
from pathlib import Path

import aiohttp


async def run_cli(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cpbatch.entrypoints.simulator",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


async def test_manifest_mode_prints_json_and_exits() -> None:
    process = await run_cli("--manifest", "brightpath", "--port", "8123")
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0
    manifest = json.loads(stdout)
    assert {entry["org_code"] for entry in manifest} == {"brightpath"}
    assert manifest[0]["url"].startswith("http://127.0.0.1:8123/production/275511/")


async def test_serve_mode_announces_writes_ready_file_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    ready = tmp_path / "ready.json"
    process = await run_cli(
        "--ready-file", str(ready), "--fault-scope", "files", env={"SIM_FAULT_5XX": "1"}
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=20)
        announced = json.loads(line)
        assert set(announced["orgs"]) == {"learnwell", "brightpath", "emptyorg"}
        for _ in range(200):
            if ready.exists():
                break
            await asyncio.sleep(0.02)
        info = json.loads(ready.read_text())
        assert stat.S_IMODE(ready.stat().st_mode) == 0o600
        assert info["base_url"] == announced["base_url"]
        assert info["pid"] == process.pid
        async with aiohttp.ClientSession() as http:
            headers = {"x-access-token": info["tokens"]["learnwell"]}
            url = f"{info['base_url']}/v2/course/content/get?courseId=41004"
            async with http.get(url, headers=headers) as response:
                assert response.status == 200  # api is outside the fault scope
                items = (await response.json())["data"]["courseContent"]
            file_url = next(item["url"] for item in items if item["contentType"] == 3)
            async with http.get(file_url) as response:
                assert response.status >= 500  # SIM_FAULT_5XX=1 on files
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0
    assert b"demo login: org=learnwell mobile=9000000001 otp=" in stderr
