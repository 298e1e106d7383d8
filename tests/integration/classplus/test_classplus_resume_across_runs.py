"""A later run continues an earlier run's transfer: `open_file(start=N, validator=V)` asks for
the rest with If-Range, and gets it only while the file is still that transfer's; a changed
file comes whole again from byte 0 (FileStream.start says so). Real sockets, the simulator."""

from __future__ import annotations

import pytest

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.models import BatchFile
from support.classplus_kit import everything, sha256


async def big_file(gateway: ClassPlusHttpGateway, sim) -> tuple[BatchFile, dict]:
    _, files = await everything(gateway, sim)
    manifest = {m["file_id"]: m for m in sim.manifest("learnwell")}
    file = max((f for f in files if f.downloadable), key=lambda f: manifest[f.id]["size"])
    return file, manifest[file.id]


async def test_the_rest_of_the_same_file_comes_from_where_the_last_run_stopped(gateway, sim):
    file, entry = await big_file(gateway, sim)
    async with gateway.open_file(file) as first:
        head = b""
        async for chunk in first.chunks():
            head += chunk
            if len(head) >= entry["size"] // 3:
                break
        validator = first.validator
    assert validator

    async with gateway.open_file(file, start=len(head), validator=validator) as rest:
        tail = b"".join([chunk async for chunk in rest.chunks()])
        assert rest.start == len(head)

    assert sha256(head + tail) == entry["sha256"]
    assert len(tail) == entry["size"] - len(head)


@pytest.mark.parametrize("stale", ['"an-etag-of-another-file"', "Mon, 01 Jan 2001 00:00:00 GMT"])
async def test_a_file_that_is_no_longer_that_transfer_comes_whole_from_zero(
    gateway, sim, stale: str
):
    file, entry = await big_file(gateway, sim)

    async with gateway.open_file(file, start=1000, validator=stale) as stream:
        data = b"".join([chunk async for chunk in stream.chunks()])
        assert stream.start == 0

    assert sha256(data) == entry["sha256"]
