"""The file URL allow-list: only ClassPlus asset hosts over HTTPS (loopback only if allowed)."""

from __future__ import annotations

import pytest

from cpbatch.adapters.classplus.settings import ClassPlusSettings
from cpbatch.adapters.classplus.url_policy import check_file_url
from cpbatch.domain.errors import NotDownloadableError

STRICT = ClassPlusSettings()
LOOPBACK = ClassPlusSettings(file_hosts=("127.0.0.1",), allow_insecure_loopback=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn-wl-assets.classplus.co/production/1/a.pdf",
        "https://ali-cdn-wl-assets.classplus.co/production/single/x/a.jpg",
        "https://eu.cdn-wl-assets.classplus.co/a.pdf",
        "https://CDN-WL-ASSETS.classplus.co./a.pdf",
        "https://cdn-wl-assets.classplus.co:443/a.pdf",
    ],
)
def test_classplus_asset_hosts_are_allowed(url):
    assert check_file_url(url, STRICT, 1).host is not None


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn-wl-assets.classplus.co/a.pdf",
        "ftp://cdn-wl-assets.classplus.co/a.pdf",
        "https://evil.example/a.pdf",
        "https://cdn-wl-assets.classplus.co.evil.example/a.pdf",
        "https://xcdn-wl-assets.classplus.co/a.pdf",
        "https://media-cdn.classplusapp.com/video.m3u8",
        "https://user:pw@cdn-wl-assets.classplus.co/a.pdf",
        "https://cdn-wl-assets.classplus.co:8443/a.pdf",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/a.pdf",
        "https://192.168.1.1/a.pdf",
        "https://[::ffff:10.0.0.1]/a.pdf",
        "https://[fe80::1]/a.pdf",
        "https://127.0.0.1/a.pdf",
        "https://localhost/a.pdf",
        "/relative/a.pdf",
        "not a url",
        "",
    ],
)
def test_everything_else_is_refused_without_leaking_the_url(url):
    with pytest.raises(NotDownloadableError, match="not on an allowed ClassPlus file host") as err:
        check_file_url(url, STRICT, 9)
    assert "/a.pdf" not in str(err.value)
    assert "meta-data" not in str(err.value)


def test_loopback_needs_the_opt_in_and_a_listed_host():
    assert check_file_url("http://127.0.0.1:8123/f/1", LOOPBACK, 1).port == 8123
    with pytest.raises(NotDownloadableError):
        check_file_url("http://localhost:8123/f/1", LOOPBACK, 1)  # not in file_hosts
    with pytest.raises(NotDownloadableError):
        check_file_url("http://169.254.169.254/", LOOPBACK, 1)
    with pytest.raises(NotDownloadableError):
        check_file_url("http://127.0.0.1:8123/f/1", ClassPlusSettings(file_hosts=("127.0.0.1",)), 1)


def test_with_the_opt_in_files_on_the_apis_own_loopback_host_need_no_listing():
    simulator = ClassPlusSettings(base_url="http://127.0.0.1:8123", allow_insecure_loopback=True)

    assert check_file_url("http://127.0.0.1:9000/f/1", simulator, 1).port == 9000
    with pytest.raises(NotDownloadableError):
        check_file_url("http://localhost:9000/f/1", simulator, 1)  # another host
    with pytest.raises(NotDownloadableError):
        check_file_url("http://10.0.0.1/f/1", simulator, 1)
