"""The `{status, message, data}` envelope of ClassPlus answers (API doc section 3)."""

from __future__ import annotations

import json

from cpbatch.adapters.classplus.errors import CallErrors, upstream_shape_error

NOT_JSON = "something that is not JSON (an HTML page?)"
NOT_ENVELOPE = "JSON that is not the usual {status, data} envelope"


def data_of(status: int, raw: bytes, errors: CallErrors) -> object:
    """The `data` of a successful answer, as parsed JSON (object, list or None).

    304 (seen once on content listings) yields None. A refusal raises the call's domain error;
    a failure envelope, non-JSON or a non-envelope raises UpstreamError naming the path."""
    if status == 304:
        return None
    payload = _parse(raw)
    if not 200 <= status < 300:
        message = payload.get("message") if isinstance(payload, dict) else None
        raise errors.for_status(status, message)
    if payload is _UNPARSABLE:
        raise upstream_shape_error(errors.path, NOT_JSON)
    if not isinstance(payload, dict):
        raise upstream_shape_error(errors.path, NOT_ENVELOPE)
    outcome = payload.get("status")
    if outcome is not None and outcome != "success":
        raise errors.for_failure(payload.get("message"))
    if "data" not in payload:
        if outcome is None:
            raise upstream_shape_error(errors.path, "JSON without a status or data field")
        return None
    return payload["data"]


class _Unparsable:
    pass


_UNPARSABLE = _Unparsable()


def _parse(raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _UNPARSABLE
