"""Settings refuse values that would make the adapter unsafe or spin."""

from __future__ import annotations

import pytest

from cpbatch.adapters.classplus import ClassPlusSettings
from cpbatch.domain.errors import ValidationError


def test_defaults_point_at_classplus_over_https():
    settings = ClassPlusSettings()
    assert settings.api_root == "https://api.classplusapp.com"
    assert settings.max_file_size == 4 * 1024**3
    assert not settings.allow_insecure_loopback


@pytest.mark.parametrize(
    "base_url",
    ["http://api.classplusapp.com", "ftp://x", "api.classplusapp.com", "http://127.0.0.1:1"],
)
def test_the_token_never_travels_over_plain_http_without_the_loopback_opt_in(base_url):
    with pytest.raises(ValidationError, match="https"):
        ClassPlusSettings(base_url=base_url)


@pytest.mark.parametrize("base_url", ["http://localhost.evil.example", "http://10.0.0.1"])
def test_the_loopback_opt_in_covers_only_this_machine(base_url):
    with pytest.raises(ValidationError):
        ClassPlusSettings(base_url=base_url, allow_insecure_loopback=True)


def test_plain_http_to_loopback_with_the_opt_in_is_allowed():
    settings = ClassPlusSettings(base_url="http://127.0.0.1:8080/", allow_insecure_loopback=True)
    assert settings.api_root == "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    "field", ["timeout_s", "rate_limit_requests", "chunk_size", "content_page_size", "max_depth"]
)
def test_non_positive_limits_are_refused(field):
    with pytest.raises(ValidationError, match=field):
        ClassPlusSettings(**{field: 0})


def test_zero_retries_is_allowed_but_negative_is_not():
    assert ClassPlusSettings(max_retries=0).max_retries == 0
    with pytest.raises(ValidationError):
        ClassPlusSettings(max_retries=-1)
