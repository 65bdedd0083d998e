"""Settings, read once at start-up from the environment or a `.env` file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = [
    "Settings",
    "SettingsError",
    "load_settings",
    "PROJECT_DIR",
    "SHIPPED_DIR",
    "STATE_DIR",
    "TELEGRAM_FILE_LIMIT",
]

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _shipped_dir() -> Path:
    """The shipped data (sample, dictionary, sources): `data/` in a source checkout, the
    package's copy (`bot.defaults`) in an installed wheel."""
    checkout = PROJECT_DIR / "data"
    if (checkout / "dictionary.txt").is_file():
        return checkout
    return Path(__file__).resolve().parent / "defaults"


def _state_dir() -> Path:
    """Where the database and the index are written by default: `data/` in a source checkout,
    the user's data folder (XDG_DATA_HOME, else ~/.local/share) for an installed wheel."""
    checkout = PROJECT_DIR / "data"
    if (checkout / "dictionary.txt").is_file() and os.access(checkout, os.W_OK):
        return checkout
    home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(home) / "tin-so-bot"


def _cores() -> int:
    """The cores this process may run on (INGEST_WORKERS' default)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


SHIPPED_DIR = _shipped_dir()
STATE_DIR = _state_dir()
TELEGRAM_FILE_LIMIT = 20 * 1024 * 1024  # the largest file a bot may download through getFile

_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ZALO_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")  # "<bot id>:<access token>"
_ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")


def _api_base_url(value: str | None) -> str | None:
    """A Bot API base url (Telegram's or Zalo's, for tests or a local server): http(s), ends
    with /bot."""
    if not value:
        return None
    value = value.rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    if not value.endswith("/bot"):
        raise ValueError("must end with /bot, e.g. http://127.0.0.1:8081/bot")
    return value


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line."""


class Settings(BaseSettings):
    """Everything configurable, with the environment variable of the same name (upper case)."""

    model_config = SettingsConfigDict(
        env_file=(PROJECT_DIR / ".env", ".env"), env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = f"sqlite:///{STATE_DIR / 'tin-so-bot.sqlite3'}"
    sample_dir: Path = SHIPPED_DIR / "sample"
    load_sample: bool = True
    sources_file: Path = SHIPPED_DIR / "sources.toml"
    dictionary_file: Path = SHIPPED_DIR / "dictionary.txt"
    department_file: Path = SHIPPED_DIR / "department.toml"  # /lienhe's contact card
    index_dir: Path = STATE_DIR / "index"  # the search index files, whatever the database

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()

    zalo_bot_token: SecretStr | None = None
    zalo_api_base_url: str | None = None
    zalo_admin_ids: Annotated[frozenset[str], NoDecode] = frozenset()
    zalo_webhook_url: str | None = None  # default: WEBHOOK_URL + "/zalo", when that is set
    zalo_webhook_port: int = Field(default=8444, ge=1, le=65535)
    zalo_webhook_secret_token: SecretStr | None = None

    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret_token: SecretStr | None = None
    chat_id_secret: SecretStr | None = None  # the key of the chat ids' HMAC in the database

    user_burst: int = Field(default=5, ge=1)
    user_per_minute: float = Field(default=20.0, gt=0)
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1, le=TELEGRAM_FILE_LIMIT)
    reindex_progress_seconds: float = Field(default=3.0, gt=0)
    crawl_progress_seconds: float = Field(default=3.0, gt=0)
    ingest_progress_seconds: float = Field(default=3.0, gt=0)
    ingest_workers: int = Field(default_factory=_cores, ge=1, le=64)  # 1: no worker processes
    ingest_pool_min_chars: int = Field(default=250_000, ge=0)  # text read before they start
    crawl_check_seconds: float = Field(default=60.0, ge=0)  # 0: no scheduled crawling
    query_cache_size: int = Field(default=2000, ge=1)
    concurrent_updates: int = Field(default=64, ge=1)
    log_level: str = "INFO"

    # Running as a service (README: "Running it as a service").
    follow_seconds: float = Field(default=2.0, ge=0)  # 0: never look for other writers' changes
    shared_throttle: bool | None = None  # None: shared through the database on PostgreSQL
    poller_lease_seconds: float = Field(default=30.0, ge=3)
    crawl_lease_seconds: float = Field(default=120.0, ge=3)
    health_listen: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=1, le=65535)  # unset: no /healthz server
    alert_check_seconds: float = Field(default=60.0, ge=0)  # 0: no alerts
    alert_crawl_failures: int = Field(default=3, ge=1)
    alert_index_lag_seconds: float = Field(default=3600.0, gt=0)
    change_log_days: float = Field(default=30.0, gt=0)  # change log rows kept this long

    # Following topics (subscriptions)
    news_check_seconds: float = Field(default=5.0, ge=0)  # 0: no news delivery in this process
    delivery_per_second: float = Field(default=20.0, gt=0, le=30)  # the rest is for answers
    quiet_hours: str = "22:00-06:00"  # local time; instant news waits until the end

    @field_validator("quiet_hours")
    @classmethod
    def _check_quiet_hours(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError("QUIET_HOURS must look like 22:00-06:00")
        return value.strip()

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            bad = [p for p in parts if not p.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"not a Telegram user id: {bad[0]!r}")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("zalo_admin_ids", mode="before")
    @classmethod
    def _split_zalo_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            bad = [p for p in parts if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", p)]
            if bad:
                raise ValueError(f"not a Zalo user id: {bad[0]!r}")
            return frozenset(parts)
        return value

    @field_validator("zalo_bot_token")
    @classmethod
    def _check_zalo_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        token = value.get_secret_value().strip()
        if not _ZALO_TOKEN.fullmatch(token):
            raise ValueError(
                "does not look like a Zalo bot token (the bot's id, a colon, then letters): "
                "copy it again from Zalo Bot Manager"
            )
        return SecretStr(token)

    @field_validator("zalo_api_base_url")
    @classmethod
    def _check_zalo_base_url(cls, value: str | None) -> str | None:
        return _api_base_url(value)

    @field_validator("zalo_webhook_url")
    @classmethod
    def _check_zalo_webhook_url(cls, value: str | None) -> str | None:
        if value and not value.startswith("https://"):
            raise ValueError("must start with https:// (Zalo only calls HTTPS webhooks)")
        return value or None

    @field_validator("zalo_webhook_secret_token")
    @classmethod
    def _check_zalo_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _ZALO_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 8-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.fullmatch(value.get_secret_value().strip()):
            raise ValueError(
                "does not look like a bot token (digits, a colon, then letters): "
                "copy it again from @BotFather"
            )
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        return _api_base_url(value)

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value and not value.startswith("https://"):
            raise ValueError("must start with https:// (Telegram only calls HTTPS webhooks)")
        return value or None

    @field_validator("webhook_secret_token")
    @classmethod
    def _check_secret_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_TOKEN.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("chat_id_secret")
    @classmethod
    def _check_chat_id_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 16:
            raise ValueError(
                "too short: use at least 16 random characters, e.g. the output of "
                'python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value

    @property
    def throttle_is_shared(self) -> bool:
        """Whether per-user limits are kept in the database (so they hold across replicas)."""
        if self.shared_throttle is not None:
            return self.shared_throttle
        return self.database_url.startswith("postgresql")

    @property
    def telegram_file_base_url(self) -> str | None:
        """Where files are downloaded from: the API base url with `/bot` turned into `/file/bot`."""
        if self.telegram_api_base_url is None:
            return None
        return self.telegram_api_base_url.removesuffix("/bot") + "/file/bot"

    def chat_secret(self) -> str:
        """The secret chat ids are hashed with; raises SettingsError when it is not set."""
        if self.chat_id_secret is None:
            raise SettingsError(
                "CHAT_ID_SECRET: not set; the bot stores chat ids only as a keyed hash and needs "
                "a secret for it: put the output of "
                'python -c "import secrets; print(secrets.token_urlsafe(32))" in .env '
                "(keep it: a new one starts every conversation afresh)"
            )
        return self.chat_id_secret.get_secret_value()

    def secrets(self) -> list[str]:
        """What must never be logged nor shown: the bot token, the webhook secret and the secret
        chat ids are hashed with."""
        values = (
            self.telegram_bot_token,
            self.webhook_secret_token,
            self.chat_id_secret,
            self.zalo_bot_token,
            self.zalo_webhook_secret_token,
        )
        secrets = [value.get_secret_value() for value in values if value is not None]
        if self.zalo_bot_token is not None:  # its access token alone is a secret too
            secrets.append(self.zalo_bot_token.get_secret_value().split(":", 1)[1])
        return secrets

    def channels(self) -> tuple[str, ...]:
        """The channels to serve: those whose token is set ("telegram", "zalo"); raises
        SettingsError when there is none."""
        tokens = (("telegram", self.telegram_bot_token), ("zalo", self.zalo_bot_token))
        served = tuple(name for name, token in tokens if token is not None)
        if not served:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN: not set; create a bot with @BotFather and put its token "
                "in the environment or in .env (or ZALO_BOT_TOKEN, from Zalo Bot Creator, to "
                "serve Zalo; set both to serve both)"
            )
        return served

    def zalo_token(self) -> str:
        """The Zalo bot token; raises SettingsError when it is not set."""
        if self.zalo_bot_token is None:
            raise SettingsError(
                "ZALO_BOT_TOKEN: not set; create a bot with Zalo Bot Creator and put its token "
                "in the environment or in .env"
            )
        return self.zalo_bot_token.get_secret_value()

    def zalo_webhook(self) -> str | None:
        """Where Zalo posts updates: ZALO_WEBHOOK_URL, else WEBHOOK_URL + "/zalo" (each channel
        on its own path), else None (long polling)."""
        if self.zalo_webhook_url:
            return self.zalo_webhook_url
        if self.webhook_url:
            return self.webhook_url.rstrip("/") + "/zalo"
        return None

    def bot_token(self) -> str:
        """The bot token; raises SettingsError when it is not set."""
        if self.telegram_bot_token is None:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN: not set; create a bot with @BotFather and put its token "
                "in the environment or in .env"
            )
        return self.telegram_bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError with a one-line reason when one is malformed."""
    try:
        # pydantic checks the values at run time; its signature knows only the field types.
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(p) for p in error["loc"]).upper() or "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from exc
