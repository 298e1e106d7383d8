"""Settings from the environment and an optional .env file, validated once at start.

Every variable is documented in the README's configuration table; names and defaults follow the
seed project where they make sense. Secrets are read here and nowhere else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cpbatch.domain.durations import parse_duration
from cpbatch.domain.errors import ValidationError
from cpbatch.domain.quiet_hours import parse_zone

DEFAULT_BASE_URL = "https://api.classplusapp.com"
DEFAULT_FILE_HOSTS = ("cdn-wl-assets.classplus.co", "ali-cdn-wl-assets.classplus.co")
MIB = 1024 * 1024


class ConfigError(ValidationError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    classplus_base_url: str = DEFAULT_BASE_URL
    classplus_file_hosts: tuple[str, ...] = DEFAULT_FILE_HOSTS
    classplus_allow_loopback: bool = False
    classplus_token: str | None = field(default=None, repr=False)
    api_timeout: float = 30.0
    read_timeout: float = 60.0
    min_speed: int = 1024
    min_speed_time: float = 60.0
    max_retries: int = 3
    retry_backoff_factor: float = 1.0
    retry_max_wait: float = 60.0
    rate_limit_requests: int = 5
    rate_limit_period: float = 1.0
    max_file_size: int = 4 * 1024 * MIB
    max_listing_pages: int = 10_000
    max_listing_items: int = 50_000
    max_listing_folders: int = 2_000
    data_dir: Path = field(default_factory=lambda: _default_data_dir({}))
    download_dir: Path = Path("downloads")
    cache_enabled: bool = True
    cache_dir: Path | None = None
    cache_ttl: float = 3600.0
    cache_max_mb: int = 1024
    memory_cache_mb: int = 64
    memory_cache_item_mb: int = 8
    inline_file_limit_mb: int = 20
    sync_concurrency: int = 4
    durability: str = "flush"
    login_expiry_warning_days: float = 3.0
    log_level: str = "INFO"
    log_format: str = "console"
    mongodb_uri: str | None = field(default=None, repr=False)
    database_name: str = "classplus_extractor"
    mongodb_timeout: float = 10.0
    watch_every: float = 1800.0
    watch_requests_per_hour: int = 600
    watch_max_files: int = 10
    watch_timezone: str = "UTC"

    @property
    def watch_idle_s(self) -> float:
        """The watcher's longest sleep: it looks at the schedules at least this often."""
        return min(60.0, self.watch_every)

    @property
    def metadata_path(self) -> Path:
        return self.data_dir / "metadata.sqlite3"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read settings: real environment first, then the .env file for what is unset."""
    env = dict(read_env_file(env_file)) if env_file is not None else {}
    env.update(os.environ if environ is None else environ)
    read = _Reader(env)
    settings = Settings(
        classplus_base_url=read.url("CLASSPLUS_BASE_URL", DEFAULT_BASE_URL),
        classplus_file_hosts=read.hosts("CLASSPLUS_FILE_HOSTS", DEFAULT_FILE_HOSTS),
        classplus_allow_loopback=read.flag("CLASSPLUS_ALLOW_LOOPBACK", False),
        classplus_token=read.text("CLASSPLUS_TOKEN"),
        api_timeout=read.number("API_TIMEOUT", 30.0, low=1, high=600),
        read_timeout=read.number("READ_TIMEOUT", 60.0, low=0.01, high=3600),
        min_speed=read.size("MIN_SPEED", 1024, zero_allowed=True),
        min_speed_time=read.number("MIN_SPEED_TIME", 60.0, low=0.01, high=3600),
        max_retries=int(read.number("MAX_RETRIES", 3, low=0, high=20, whole=True)),
        retry_backoff_factor=read.number("RETRY_BACKOFF_FACTOR", 1.0, low=0, high=60),
        retry_max_wait=read.number("RETRY_MAX_WAIT", 60.0, low=0.001, high=3600),
        rate_limit_requests=int(
            read.number("RATE_LIMIT_REQUESTS", 5, low=1, high=10_000, whole=True)
        ),
        rate_limit_period=read.number("RATE_LIMIT_PERIOD", 1.0, low=0.001, high=3600),
        max_file_size=read.size("MAX_FILE_SIZE", 4 * 1024 * MIB),
        max_listing_pages=int(
            read.number("MAX_LISTING_PAGES", 10_000, low=1, high=10**7, whole=True)
        ),
        max_listing_items=int(
            read.number("MAX_LISTING_ITEMS", 50_000, low=1, high=10**8, whole=True)
        ),
        max_listing_folders=int(
            read.number("MAX_LISTING_FOLDERS", 2_000, low=1, high=10**7, whole=True)
        ),
        data_dir=read.path("DATA_DIR", _default_data_dir(env)),
        download_dir=read.path("DOWNLOAD_DIR", Path("downloads")),
        cache_enabled=read.flag("CACHE_ENABLED", True),
        cache_dir=read.optional_path("CACHE_DIR"),
        cache_ttl=read.number("CACHE_TTL", 3600.0, low=0, high=30 * 86400),
        cache_max_mb=int(read.number("CACHE_MAX_MB", 1024, low=1, high=10**7, whole=True)),
        memory_cache_mb=int(read.number("MEMORY_CACHE_MB", 64, low=0, high=65536, whole=True)),
        memory_cache_item_mb=int(
            read.number("MEMORY_CACHE_ITEM_MB", 8, low=0, high=65536, whole=True)
        ),
        inline_file_limit_mb=int(
            read.number("INLINE_FILE_LIMIT_MB", 20, low=0, high=4096, whole=True)
        ),
        sync_concurrency=int(read.number("SYNC_CONCURRENCY", 4, low=1, high=64, whole=True)),
        durability=read.choice("DURABILITY", "flush", ("flush", "os")),
        login_expiry_warning_days=read.number("LOGIN_EXPIRY_WARNING_DAYS", 3.0, low=0, high=365),
        log_level=read.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        log_format=read.choice("LOG_FORMAT", "console", ("console", "json")),
        mongodb_uri=read.text("MONGODB_URI"),
        database_name=read.text("DATABASE_NAME") or "classplus_extractor",
        mongodb_timeout=read.number("MONGODB_TIMEOUT", 10.0, low=0.1, high=300),
        watch_every=read.duration("WATCH_EVERY", 1800.0),
        watch_requests_per_hour=int(
            read.number("WATCH_REQUESTS_PER_HOUR", 600, low=1, high=100_000, whole=True)
        ),
        watch_max_files=int(read.number("WATCH_MAX_FILES", 10, low=1, high=1000, whole=True)),
        watch_timezone=read.zone("WATCH_TIMEZONE", "UTC"),
    )
    return settings


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cpbatch"


def read_env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text: save it as UTF-8.") from None
    except OSError as error:
        raise ConfigError(f"{path} cannot be read: {error.strerror}.") from None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.removeprefix("export ").partition("=")
        if not sep or not key.strip().isidentifier():
            raise ConfigError(f"{path}, line {number}: expected NAME=value.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


class _Reader:
    """Parses one variable at a time; every error names the variable (never its value, which
    may be a secret)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str) -> str | None:
        value = self._env.get(name, "").strip()
        return value or None

    def flag(self, name: str, default: bool) -> bool:
        value = (self.text(name) or "").lower()
        if not value:
            return default
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false.")

    def number(
        self, name: str, default: float, *, low: float, high: float, whole: bool = False
    ) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw) if whole else float(raw)
        except ValueError:
            kind = "a whole number" if whole else "a number"
            raise ConfigError(f"{name} must be {kind} between {low:g} and {high:g}.") from None
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low:g} and {high:g}.")
        return value

    def size(self, name: str, default: int, *, zero_allowed: bool = False) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        units = {
            "": 1,
            "B": 1,
            "K": 1024,
            "KB": 1024,
            "M": MIB,
            "MB": MIB,
            "G": 1024 * MIB,
            "GB": 1024 * MIB,
        }
        digits = raw.rstrip("BbKkMmGg ")
        unit = raw[len(digits) :].strip().upper()
        smallest = 0 if zero_allowed else 1
        if (
            not (digits.isascii() and digits.isdigit())
            or unit not in units
            or int(digits) < smallest
        ):
            raise ConfigError(f"{name} must be a size in bytes, like 2147483648 or 2G.")
        return int(digits) * units[unit]

    def duration(self, name: str, default: float) -> float:
        raw = self.text(name)
        try:
            return default if raw is None else parse_duration(raw)
        except ValidationError as error:
            raise ConfigError(f"{name}: {error}") from None

    def zone(self, name: str, default: str) -> str:
        raw = self.text(name)
        try:
            return default if raw is None else parse_zone(raw)
        except ValidationError as error:
            raise ConfigError(f"{name}: {error}") from None

    def choice(self, name: str, default: str, options: tuple[str, ...]) -> str:
        raw = self.text(name)
        if raw is None:
            return default
        for option in options:
            if raw.lower() == option.lower():
                return option
        raise ConfigError(f"{name} must be one of: {', '.join(options)}.")

    def url(self, name: str, default: str) -> str:
        raw = self.text(name) or default
        try:
            host = urlsplit(raw).hostname
        except ValueError:
            host = None
        if not raw.startswith(("https://", "http://")) or " " in raw or not host:
            raise ConfigError(f"{name} must be an http(s) URL like {default}.")
        return raw.rstrip("/")

    def hosts(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        raw = self.text(name)
        if raw is None:
            return default
        hosts = tuple(h.strip().lower() for h in raw.split(",") if h.strip())
        if not hosts or any("/" in h or " " in h for h in hosts):
            raise ConfigError(f"{name} must be a comma-separated list of host names.")
        return hosts

    def path(self, name: str, default: Path) -> Path:
        return self.optional_path(name) or default

    def optional_path(self, name: str) -> Path | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return Path(raw).expanduser()
        except RuntimeError:  # "~someone" for a user this machine does not have
            raise ConfigError(f"{name} names a home folder of an unknown user.") from None
