"""Helpers shared by the ClassPlus adapter's integration tests."""

from __future__ import annotations

import hashlib
from typing import Any

from cpbatch.adapters.classplus import ClassPlusHttpGateway, ClassPlusSettings
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, Org
from cpbatch.entrypoints.simulator import Simulator


def settings_for(sim: Simulator | str, **overrides: Any) -> ClassPlusSettings:
    """Settings pointed at a loopback server, with tiny backoffs so faults cost milliseconds."""
    base_url = sim if isinstance(sim, str) else sim.base_url
    values: dict[str, Any] = {
        "base_url": base_url,
        "file_hosts": ("127.0.0.1",),
        "allow_insecure_loopback": True,
        "backoff_factor": 0.01,
        "max_backoff_s": 0.05,
        "rate_limit_requests": 1000,
        "timeout_s": 10.0,
        "read_timeout_s": 5.0,
    }
    values.update(overrides)
    return ClassPlusSettings(**values)


def token(sim: Simulator, org_code: str = "learnwell") -> AccessToken:
    return AccessToken.parse(sim.token_for(org_code))


async def org_of(gw: ClassPlusHttpGateway, org_code: str = "learnwell") -> Org:
    return await gw.lookup_org(OrgCode.parse(org_code))


async def everything(
    gw: ClassPlusHttpGateway, sim: Simulator, org_code: str = "learnwell"
) -> tuple[list[Batch], list[BatchFile]]:
    """All batches and all their items, as a sync would list them."""
    tok = token(sim, org_code)
    batches = await gw.list_batches(await org_of(gw, org_code), tok)
    files: list[BatchFile] = []
    for batch in batches:
        files.extend(await gw.list_files(batch, tok))
    return batches, files


def manifest_keys(sim: Simulator, org_code: str = "learnwell") -> set[tuple[str, int, int]]:
    return {(m["batch_source"], m["batch_id"], m["file_id"]) for m in sim.manifest(org_code)}


def downloadable_keys(files: list[BatchFile]) -> set[tuple[str, int, int]]:
    return {(f.batch.source.value, f.batch.id, f.id) for f in files if f.downloadable}


async def fetch(gw: ClassPlusHttpGateway, file: BatchFile, start: int = 0) -> tuple[bytes, int]:
    """The bytes from `start` and the number of resumes it took."""
    parts: list[bytes] = []
    async with gw.open_file(file, start=start) as stream:
        async for chunk in stream.chunks():
            parts.append(chunk)
        return b"".join(parts), stream.resumes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
