"""Every knob of the ClassPlus adapter, in one frozen value built at composition time."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from cpbatch.adapters.classplus.hosts import is_loopback_host
from cpbatch.domain.errors import ValidationError

_FINGERPRINT = re.compile(r"[0-9a-f]{32}")
KIB = 1024
GIB = 1024**3
_MAY_BE_ZERO = frozenset({"max_retries", "max_redirects", "backoff_factor", "min_speed_bytes_s"})


@dataclass(frozen=True, slots=True)
class ClassPlusSettings:
    """Limits, timeouts and the web header profile (API doc section 2).

    All values have working defaults; tests point `base_url` at the simulator, allow the
    loopback file host and shrink the backoff. Invalid values raise ValidationError.
    """

    base_url: str = "https://api.classplusapp.com"

    # Timeouts, seconds. `timeout_s` bounds a whole API call; a file body has no total limit,
    # but `read_timeout_s` between two chunks, and a floor on its speed: at least
    # `min_speed_bytes_s` bytes a second over every `min_speed_time_s` seconds (curl's
    # --speed-limit and --speed-time), so a host sending a byte now and then cannot hold a
    # download slot for ever. `min_speed_bytes_s=0` turns the floor off.
    timeout_s: float = 30.0
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    min_speed_bytes_s: int = 1024
    min_speed_time_s: float = 60.0

    # Retries (one choke point): attempts = max_retries + 1; also the resume budget of a file.
    max_retries: int = 3
    backoff_factor: float = 1.0
    max_backoff_s: float = 60.0

    # API rate limit, shared by every API call (file bytes are not counted).
    rate_limit_requests: int = 10
    rate_limit_period_s: float = 1.0

    # Connections: one pool; `max_concurrent_files` bounds open file streams.
    max_connections: int = 32
    max_connections_per_host: int = 8
    max_concurrent_files: int = 8
    folder_concurrency: int = 4

    # Files.
    max_file_size: int = 4 * GIB
    file_hosts: tuple[str, ...] = ("cdn-wl-assets.classplus.co", "ali-cdn-wl-assets.classplus.co")
    allow_insecure_loopback: bool = False
    chunk_size: int = 256 * KIB
    max_redirects: int = 5

    # Page sizes and the folder depth limit.
    courses_page_size: int = 100
    batches_page_size: int = 50
    content_page_size: int = 100
    folder_page_size: int = 30
    max_depth: int = 20

    # Web header profile. `device_id` should be a per-install stable value; `fingerprint_id`
    # (sent when verifying an OTP) is 32 lower-case hex digits; None derives it from
    # `device_id` (see `fingerprint`), so it is just as stable.
    api_version: str = "52"
    region: str = "IN"
    device_id: str = "516"
    fingerprint_id: str | None = None
    origin: str = "https://web.classplusapp.com"
    referer: str = "https://web.classplusapp.com/"
    accept_language: str = "en"
    user_agent: str = "Mozilla/5.0 (compatible; cpbatch/0.1)"

    def __post_init__(self) -> None:
        try:
            url = urlsplit(self.base_url)
            scheme, host = url.scheme, url.hostname or ""
        except ValueError:
            scheme, host = "", ""
        loopback = is_loopback_host(host)
        # The token travels with every API call: plain http only to this machine, on request.
        if scheme != "https" and not (
            scheme == "http" and loopback and self.allow_insecure_loopback
        ):
            raise ValidationError("The ClassPlus base URL must start with https://.")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            minimum = 0 if f.name in _MAY_BE_ZERO else 1e-9
            if value < minimum:
                raise ValidationError(f"The ClassPlus setting {f.name} must be positive.")
        if not self.file_hosts:
            raise ValidationError("At least one ClassPlus file host must be allowed.")
        if self.fingerprint_id is not None and not _FINGERPRINT.fullmatch(self.fingerprint_id):
            raise ValidationError(
                "The ClassPlus setting fingerprint_id must be 32 lower-case hex digits."
            )

    @property
    def api_root(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def fingerprint(self) -> str:
        """The fingerprintId sent with an OTP: `fingerprint_id`, or one derived from
        `device_id` (stable per install; it identifies no one)."""
        return self.fingerprint_id or fingerprint_for(self.device_id)


def fingerprint_for(device_id: str) -> str:
    """A stable 32-hex fingerprint id for a device id: same install, same fingerprint."""
    return hashlib.sha256(f"cpbatch-fingerprint:{device_id}".encode()).hexdigest()[:32]
