"""Answers the simulator never gives: broken JSON, HTML, API redirects, hostile file hosts.

A tiny aiohttp server in this file plays ClassPlus for these cases only."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from cpbatch.adapters.classplus import ClassPlusHttpGateway
from cpbatch.domain.errors import (
    DownloadFailedError,
    NotDownloadableError,
    UpstreamError,
    ValidationError,
)
from cpbatch.domain.identifiers import AccessToken, OrgCode
from cpbatch.domain.models import Batch, BatchFile, BatchSource, FileKind, Org
from support.classplus_kit import settings_for

ORG = Org(OrgCode("oddorg"), 77, "Odd Org")
COURSE = Batch(5, "Course", ORG, BatchSource.COURSE)
BODY = bytes(range(256)) * 8  # 2048 bytes


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


TOKEN = AccessToken.parse(f"{_b64({'alg': 'HS384'})}.{_b64({'orgId': 77})}.signature")


class OddUpstream:
    """Routes keyed by path; each answers one way. Records every request's headers."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.content_reply: web.Response = web.json_response({})
        self.courses_reply: object = "courses"
        self.base_url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.path, dict(request.headers)))
        path = request.path
        if path == "/v2/orgs/htmlorg":
            return web.Response(text="<html><body>Down</body></html>", content_type="text/html")
        if path == "/v2/orgs/moved":
            raise web.HTTPFound(f"{self.base_url}/elsewhere")
        if path == "/v2/courses":
            return web.json_response({"status": "success", "data": self.courses_reply},
                                     headers={"Set-Cookie": "session=abc; Path=/"})  # fmt: skip
        if path == "/v2/batches/details":
            return web.json_response({"status": "failure", "message": "Forbidden"}, status=403)
        if path == "/v2/course/content/get":
            if request.query.get("offset", "0") != "0":  # one page only: then the end
                return web.json_response({"status": "success", "data": {"courseContent": []}})
            return self.content_reply
        if path == "/f/plain":
            return web.Response(body=BODY, headers={"Accept-Ranges": "bytes"})
        if path == "/f/redirect-ok":
            raise web.HTTPFound("/f/plain")
        if path == "/f/redirect-meta":
            raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")
        if path == "/f/loop":
            raise web.HTTPFound("/f/loop")
        if path == "/f/expired":
            return web.Response(status=403, text="AccessDenied")
        if path == "/f/chunked":
            return await self._chunked(request)
        if path == "/f/cut-then-restart":
            return await self._cut_then_restart(request)
        return web.Response(status=404)

    async def _chunked(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(8):
            await response.write(BODY)
        await response.write_eof()
        return response

    async def _cut_then_restart(self, request: web.Request) -> web.StreamResponse:
        if "Range" in request.headers:  # ignores the range: the whole file again
            return web.Response(body=BODY, headers={"Accept-Ranges": "bytes"})
        response = web.StreamResponse(headers={"Accept-Ranges": "bytes"})
        response.content_length = len(BODY)
        await response.prepare(request)
        await response.write(BODY[:500])
        assert request.transport is not None
        request.transport.close()
        return response


@pytest.fixture
async def odd() -> AsyncIterator[OddUpstream]:
    upstream = OddUpstream()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", upstream.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    upstream.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield upstream
    finally:
        await runner.cleanup()


@pytest.fixture
async def gw(odd: OddUpstream) -> AsyncIterator[ClassPlusHttpGateway]:
    async with ClassPlusHttpGateway(settings_for(odd.base_url, max_file_size=4096)) as gateway:
        yield gateway


def file_at(odd: OddUpstream, path: str) -> BatchFile:
    return BatchFile(9, COURSE, (), "f.pdf", FileKind.DOCUMENT, "v1", url=odd.base_url + path)


async def read_all(gw: ClassPlusHttpGateway, file: BatchFile) -> bytes:
    async with gw.open_file(file) as stream:
        return b"".join([chunk async for chunk in stream.chunks()])


async def test_html_instead_of_json_names_the_endpoint(gw):
    with pytest.raises(UpstreamError, match="/v2/orgs/htmlorg with something that is not JSON"):
        await gw.lookup_org(OrgCode("htmlorg"))


async def test_data_that_is_not_an_object_names_the_path_not_the_query_or_token(gw):
    with pytest.raises(UpstreamError, match="/v2/courses") as err:
        await gw.list_batches(ORG, TOKEN)
    assert "tabCategoryId" not in str(err.value)
    assert TOKEN.secret not in str(err.value)


@pytest.mark.parametrize(
    ("reply", "match"),
    [
        (web.Response(body=b'{"status":"success","data":{"courseContent":[',
                      content_type="application/json"), "not JSON"),
        (web.json_response({"status": "success", "data": {"courseContent": [{"name": "no id"}]}}),
         "without 'id'"),
        (web.json_response({"status": "failure", "message": "Course archived"}), "Course archived"),
    ],
)  # fmt: skip
async def test_malformed_content_pages_are_upstream_errors(gw, odd, reply, match):
    odd.content_reply = reply
    with pytest.raises(UpstreamError, match=match) as err:
        await gw.list_files(COURSE, TOKEN)
    assert "/v2/course/content/get" in str(err.value)
    assert "courseId=" not in str(err.value)


async def test_content_data_may_be_a_bare_list(gw, odd):
    odd.content_reply = web.json_response(
        {"status": "success", "data": [{"id": 3, "contentType": 3, "name": "a.pdf",
                                        "url": "https://cdn-wl-assets.classplus.co/p/1/a.pdf"}]}
    )  # fmt: skip
    files = await gw.list_files(COURSE, TOKEN)
    assert [(f.id, f.kind) for f in files] == [(3, FileKind.DOCUMENT)]


async def test_api_redirects_are_not_followed_so_the_token_goes_nowhere(gw, odd):
    with pytest.raises(UpstreamError, match="redirect"):  # not "no such org": it may exist
        await gw.lookup_org(OrgCode("moved"))
    assert [path for path, _ in odd.seen] == ["/v2/orgs/moved"]


async def test_file_requests_carry_no_token_cookie_or_authorization(gw, odd):
    with pytest.raises(UpstreamError):
        await gw.list_batches(ORG, TOKEN)  # the API answer sets a cookie
    assert await read_all(gw, file_at(odd, "/f/plain")) == BODY
    api_headers = {k.lower(): v for k, v in odd.seen[0][1].items()}
    file_headers = {k.lower() for k in odd.seen[-1][1]}
    assert api_headers["x-access-token"] == TOKEN.secret
    assert "authorization" not in api_headers
    assert not file_headers & {"x-access-token", "authorization", "cookie"}


async def test_redirects_are_followed_and_rechecked_on_every_hop(gw, odd):
    assert await read_all(gw, file_at(odd, "/f/redirect-ok")) == BODY
    with pytest.raises(NotDownloadableError, match=r"169\.254\.169\.254"):
        await read_all(gw, file_at(odd, "/f/redirect-meta"))
    with pytest.raises(DownloadFailedError, match="redirected file 9 too many times"):
        await read_all(gw, file_at(odd, "/f/loop"))
    assert [p for p, _ in odd.seen].count("/f/loop") == 6


async def test_a_refused_file_link_is_a_download_failure_not_an_auth_error(gw, odd):
    with pytest.raises(DownloadFailedError, match="link may have expired"):
        await read_all(gw, file_at(odd, "/f/expired"))


async def test_max_file_size_is_enforced_while_streaming_and_the_stream_closed(gw, odd):
    received: list[bytes] = []

    async def consume(stream) -> None:
        async for chunk in stream.chunks():
            received.append(chunk)

    async with gw.open_file(file_at(odd, "/f/chunked")) as stream:
        assert stream.size is None
        with pytest.raises(ValidationError, match="larger than MAX_FILE_SIZE"):
            await consume(stream)
        assert stream.closed
    assert sum(map(len, received)) <= 4096


async def test_a_resume_answered_with_the_whole_file_fails_cleanly(gw, odd):
    with pytest.raises(DownloadFailedError, match="restarted it from the beginning"):
        await read_all(gw, file_at(odd, "/f/cut-then-restart"))
    assert gw.stats.resumes == 0


async def test_batches_refused_for_a_student_mean_no_batches(odd):
    odd.courses_reply = {"courses": [{"id": 5, "name": "Free", "price": 0}]}
    async with ClassPlusHttpGateway(settings_for(odd.base_url)) as gw:
        batches = await gw.list_batches(ORG, TOKEN)
    assert [(b.id, b.source) for b in batches] == [(5, BatchSource.COURSE)]
    assert [p for p, _ in odd.seen].count("/v2/batches/details") == 1
