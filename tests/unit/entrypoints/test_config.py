"""Settings: defaults that work, every bad value refused with the variable's name, secrets never
echoed back."""

from pathlib import Path

import pytest

from cpbatch.entrypoints.config import DEFAULT_BASE_URL, ConfigError, load_settings
from cpbatch.entrypoints.container import classplus_settings


def test_defaults_point_at_the_real_host_with_upstream_friendly_limits() -> None:
    settings = load_settings({}, env_file=None)

    assert settings.classplus_base_url == DEFAULT_BASE_URL
    assert settings.rate_limit_requests == 5
    assert settings.classplus_allow_loopback is False
    assert settings.database_name == "classplus_extractor"
    assert settings.metadata_path.name == "metadata.sqlite3"
    assert settings.login_expiry_warning_days == 3


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("API_TIMEOUT", "soon"),
        ("MAX_RETRIES", "-1"),
        ("MAX_RETRIES", "2.5"),
        ("RATE_LIMIT_REQUESTS", "0"),
        ("MAX_FILE_SIZE", "big"),
        ("CACHE_ENABLED", "maybe"),
        ("LOG_FORMAT", "xml"),
        ("CLASSPLUS_BASE_URL", "ftp://example.org"),
        ("CLASSPLUS_FILE_HOSTS", "a.example/path"),
        ("SYNC_CONCURRENCY", "1000"),
        ("READ_TIMEOUT", "0"),
        ("READ_TIMEOUT", "a minute"),
        ("RETRY_MAX_WAIT", "-1"),
        ("RETRY_MAX_WAIT", "forever"),
        ("MAX_LISTING_PAGES", "0"),
        ("MAX_LISTING_ITEMS", "lots"),
        ("MAX_LISTING_FOLDERS", "-5"),
        ("LOGIN_EXPIRY_WARNING_DAYS", "-1"),
        ("LOGIN_EXPIRY_WARNING_DAYS", "soon"),
        ("MIN_SPEED", "-1"),
        ("MIN_SPEED", "fast"),
        ("MIN_SPEED_TIME", "0"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({name: value}, env_file=None)

    assert name in str(raised.value)


def test_sizes_take_units_and_flags_take_words() -> None:
    settings = load_settings(
        {"MAX_FILE_SIZE": "2G", "CACHE_ENABLED": "off", "LOG_LEVEL": "debug"}, env_file=None
    )

    assert settings.max_file_size == 2 * 1024**3
    assert settings.cache_enabled is False
    assert settings.log_level == "DEBUG"


def test_the_speed_floor_reaches_the_classplus_adapter_and_zero_turns_it_off() -> None:
    defaults = classplus_settings(load_settings({}, env_file=None))
    tuned = classplus_settings(
        load_settings({"MIN_SPEED": "10K", "MIN_SPEED_TIME": "5"}, env_file=None)
    )
    off = classplus_settings(load_settings({"MIN_SPEED": "0"}, env_file=None))

    assert (defaults.min_speed_bytes_s, defaults.min_speed_time_s) == (1024, 60.0)
    assert (tuned.min_speed_bytes_s, tuned.min_speed_time_s) == (10 * 1024, 5.0)
    assert off.min_speed_bytes_s == 0


def test_read_timeout_and_retry_max_wait_reach_the_classplus_adapter() -> None:
    defaults = classplus_settings(load_settings({}, env_file=None))
    tuned = classplus_settings(
        load_settings({"READ_TIMEOUT": "0.5", "RETRY_MAX_WAIT": "2"}, env_file=None)
    )

    assert (defaults.read_timeout_s, defaults.max_backoff_s) == (60.0, 60.0)
    assert (tuned.read_timeout_s, tuned.max_backoff_s) == (0.5, 2.0)


def test_env_file_fills_what_the_environment_leaves_unset(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nexport MAX_RETRIES=7\nDATA_DIR='/srv/cpbatch'\nAPI_TIMEOUT=5\n")

    settings = load_settings({"API_TIMEOUT": "9"}, env_file=env_file)

    assert settings.max_retries == 7
    assert settings.data_dir == Path("/srv/cpbatch")
    assert settings.api_timeout == 9


def test_a_malformed_env_file_line_is_reported_with_its_number(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("GOOD=1\nthis is not a setting\n")

    with pytest.raises(ConfigError, match="line 2"):
        load_settings({}, env_file=env_file)


def test_secrets_are_kept_out_of_repr_and_errors() -> None:
    secret = "eyJhbGciOi" + "x" * 30 + ".payload.signature"
    settings = load_settings(
        {"CLASSPLUS_TOKEN": secret, "MONGODB_URI": "mongodb://u:" + "hunter2" + "@db/x"},
        env_file=None,
    )
    assert secret not in repr(settings)
    assert "hunter2" not in repr(settings)

    with pytest.raises(ConfigError) as raised:
        load_settings({"MAX_FILE_SIZE": secret}, env_file=None)
    assert secret not in str(raised.value)


def test_listing_caps_have_documented_defaults_and_reach_the_classplus_adapter() -> None:
    defaults = classplus_settings(load_settings({}, env_file=None))
    tuned = classplus_settings(
        load_settings(
            {"MAX_LISTING_PAGES": "7", "MAX_LISTING_ITEMS": "8", "MAX_LISTING_FOLDERS": "9"},
            env_file=None,
        )
    )

    caps = ("max_listing_pages", "max_listing_items", "max_listing_folders")
    assert tuple(getattr(defaults, cap) for cap in caps) == (10_000, 50_000, 2_000)
    assert tuple(getattr(tuned, cap) for cap in caps) == (7, 8, 9)
