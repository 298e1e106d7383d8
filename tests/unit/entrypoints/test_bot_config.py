"""The bot's settings: every missing or malformed one stops start-up naming the variable, and
no secret is ever echoed."""

import pytest

from cpbatch.entrypoints.bot_config import load_bot_settings
from cpbatch.entrypoints.config import ConfigError

BOT_TOKEN = "123456789:" + "AAH" + "x" * 32
API_HASH = "0123456789abcdef" * 2
VALID = {
    "BOT_TOKEN": BOT_TOKEN,
    "TELEGRAM_API_ID": "123456",
    "TELEGRAM_API_HASH": API_HASH,
    "SECRET_KEY": "a passphrase of at least thirty-two characters, really",
    "ADMIN_USER_IDS": "11, 12",
    "ALLOWED_USER_IDS": "21",
}


def test_valid_settings_load_and_keep_secrets_out_of_repr() -> None:
    settings = load_bot_settings(VALID, env_file=None)

    assert settings.admin_user_ids == {11, 12}
    assert settings.allowed_user_ids == {21}
    assert settings.api_id == 123456
    assert BOT_TOKEN not in repr(settings)
    assert API_HASH not in repr(settings)


@pytest.mark.parametrize(
    "name", ["BOT_TOKEN", "TELEGRAM_API_ID", "TELEGRAM_API_HASH", "SECRET_KEY", "ADMIN_USER_IDS"]
)
def test_a_missing_setting_is_named(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_bot_settings({**VALID, name: ""}, env_file=None)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_API_ID", "abc"),
        ("TELEGRAM_API_HASH", "short"),
        ("ADMIN_USER_IDS", "11,alice"),
        ("ALLOWED_USER_IDS", "1;2"),
        ("BOT_MAX_JOBS", "0"),
        ("PORT", "99999"),
    ],
)
def test_a_malformed_setting_is_named_and_not_echoed(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_bot_settings({**VALID, name: value}, env_file=None)

    assert name in str(raised.value)
    assert value not in str(raised.value)
