"""Settings, read once at start-up from the environment or a `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Settings", "SettingsError", "load_settings", "PROJECT_DIR"]

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line."""


class Settings(BaseSettings):
    """Everything configurable, with the environment variable of the same name (upper case)."""

    model_config = SettingsConfigDict(
        env_file=(PROJECT_DIR / ".env", ".env"), env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = f"sqlite:///{DATA_DIR / 'tin-so-bot.sqlite3'}"
    sample_dir: Path = DATA_DIR / "sample"
    sources_file: Path = DATA_DIR / "sources.toml"
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    load_sample: bool = True
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()

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

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError with a one-line reason when one is malformed."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(p) for p in error["loc"]).upper() or "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from exc
