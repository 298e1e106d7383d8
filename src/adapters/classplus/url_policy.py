"""Which file URLs cpbatch may fetch: ClassPlus asset hosts over HTTPS, nothing else.

A file URL comes from upstream JSON, so it is untrusted input: without this check a listing
could point the downloader at a cloud metadata address or a host on the user's network. The
check runs before every connection, redirects included. Messages name the host, never the URL
(file URLs are capabilities).
"""

from __future__ import annotations

from yarl import URL

from cpbatch.adapters.classplus.hosts import ip_of, is_loopback_host, is_special_ip
from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.domain.errors import NotDownloadableError

_DEFAULT_PORTS = {"https": 443, "http": 80}


def check_file_url(raw: str | URL, settings: ClassPlusSettings, file_id: int) -> URL:
    """The parsed URL if cpbatch may fetch it, else NotDownloadableError.

    Allowed: scheme https, no user info, host equal to or a subdomain of a configured file
    host, default port. A loopback host (and plain http to it) only with
    `allow_insecure_loopback`, and then the API's own loopback host needs no listing in
    `file_hosts`. IP literals in private, link-local, reserved or other special
    ranges are always refused unless loopback-and-allowed."""
    try:
        url = raw if isinstance(raw, URL) else URL(raw)
        host = (url.raw_host or "").lower().rstrip(".")
        port = url.port
    except (ValueError, TypeError):
        raise _refused(file_id, "an address cpbatch cannot read") from None
    if not url.is_absolute() or not host:
        raise _refused(file_id, "an address without a host")
    if url.raw_user is not None or url.raw_password is not None:
        raise _refused(file_id, f"an address with a user name on {host}")
    loopback = is_loopback_host(host)
    if loopback and not settings.allow_insecure_loopback:
        raise _refused(file_id, f"{host}")
    if not loopback and is_special_ip(host):
        raise _refused(file_id, f"{host}")
    if url.scheme != "https" and not (url.scheme == "http" and loopback):
        raise _refused(file_id, f"a plain {url.scheme or 'unknown'}:// address on {host}")
    if not loopback and port != _DEFAULT_PORTS.get(url.scheme):
        raise _refused(file_id, f"{host} on a non-standard port")
    if loopback and host == _api_host(settings):
        return url  # files served by the same stand-in as the API (the simulator)
    if not _host_allowed(host, settings.file_hosts, exact_only=ip_of(host) is not None):
        raise _refused(file_id, f"{host}")
    return url


def _api_host(settings: ClassPlusSettings) -> str:
    return (URL(settings.base_url).raw_host or "").lower().rstrip(".")


def _refused(file_id: int, where: str) -> NotDownloadableError:
    return NotDownloadableError(
        f"File {file_id} is not on an allowed ClassPlus file host ({where}); "
        "cpbatch will not fetch it."
    )


def _host_allowed(host: str, allowed: tuple[str, ...], *, exact_only: bool) -> bool:
    for entry in allowed:
        entry = entry.lower().rstrip(".")
        if host == entry or (not exact_only and host.endswith("." + entry)):
            return True
    return False
