"""The "CDN": /production/{orgId}/{uuid}.{ext}, unauthenticated, with Range support; and the
media host of videos, which answers 403 to anyone (clients must never fetch videos)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime

from aiohttp import web

from cpbatch.entrypoints.simulator.fault_responses import answer_fault
from cpbatch.entrypoints.simulator.file_body import FileBodyWriter
from cpbatch.entrypoints.simulator.ranges import ByteRange, RangeNotSatisfiable, parse_range
from cpbatch.entrypoints.simulator.state import state_of
from cpbatch.entrypoints.simulator.world import Document

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "zip": "application/zip",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
    "mp3": "audio/mpeg",
}
_NOT_FOUND_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
)


def _headers(doc: Document) -> dict[str, str]:
    headers = {
        "Content-Type": CONTENT_TYPES.get(doc.ext, "application/octet-stream"),
        "Accept-Ranges": "bytes",
        "ETag": f'"{doc.uuid[:16]}-{doc.key}-{doc.size}"',
        "Cache-Control": "max-age=31536000",
    }
    try:
        modified = datetime.fromisoformat(doc.updated_at.replace("Z", "+00:00"))
        headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    except ValueError:
        pass
    return headers


def _if_range_holds(if_range: str | None, headers: dict[str, str]) -> bool:
    """RFC 9110 13.1.5: a Range is honoured only while the validator still matches (a strong
    ETag compared exactly, or the exact Last-Modified date)."""
    if if_range is None:
        return True
    return if_range in (headers.get("ETag"), headers.get("Last-Modified"))


async def serve_file(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    doc = state.index.file(int(request.match_info["org_id"]), request.match_info["uuid"])
    if doc is None or doc.ext != request.match_info["ext"]:
        return web.Response(status=404, text=_NOT_FOUND_XML, content_type="application/xml")
    state.stats.file_requests += 1
    fault = await answer_fault(plan := state.faults.plan("files", doc.id))
    if fault is not None:
        return fault
    headers = _headers(doc)
    range_header = request.headers.get("Range")
    if range_header is not None:
        state.stats.range_requests += 1
        if not _if_range_holds(request.headers.get("If-Range"), headers):
            range_header = None  # the file changed since that transfer: send it whole
    try:
        window = parse_range(range_header, doc.size)
    except RangeNotSatisfiable:
        return web.Response(status=416, headers={"Content-Range": f"bytes */{doc.size}"})
    response = web.StreamResponse(status=200 if window is None else 206, headers=headers)
    window = window or ByteRange(0, doc.size)
    if response.status == 206:
        response.headers["Content-Range"] = window.content_range(doc.size)
    response.content_length = window.stop - window.start
    await response.prepare(request)
    if request.method != "HEAD":
        writer = FileBodyWriter(state.content, state.stats)
        await writer.send(request, response, doc, (window.start, window.stop), plan)
    return response


async def media_cdn(request: web.Request) -> web.Response:
    return web.Response(status=403, text="Forbidden: signed URL required")
