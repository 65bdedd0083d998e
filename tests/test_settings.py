import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_work_without_any_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.telegram_api_base_url is None and settings.telegram_file_base_url is None
    assert settings.webhook_listen == "127.0.0.1" and settings.webhook_port == 8443
    with pytest.raises(
        SettingsError, match="^TELEGRAM_BOT_TOKEN: not set; create a bot with @BotFather"
    ):
        settings.bot_token()


def test_a_self_hosted_api_gives_the_file_url_too() -> None:
    settings = load_settings(telegram_api_base_url="http://127.0.0.1:8081/bot/")
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.telegram_file_base_url == "http://127.0.0.1:8081/file/bot"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", " 123:ABC-def_ghi ")
    monkeypatch.setenv("ADMIN_IDS", "11, 22;33")
    monkeypatch.setenv("WEBHOOK_SECRET_TOKEN", "s3cret_-X")
    settings = load_settings()
    assert settings.bot_token() == "123:ABC-def_ghi"
    assert settings.admin_ids == frozenset({11, 22, 33})
    assert settings.webhook_secret_token is not None
    assert "s3cret" not in repr(settings)  # secrets never end up in a log line


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"telegram_bot_token": "123456"}, "TELEGRAM_BOT_TOKEN: does not look like a bot token"),
        ({"admin_ids": "12,@an"}, "ADMIN_IDS: not a Telegram user id: '@an'"),
        (
            {"telegram_api_base_url": "ftp://x/bot"},
            "TELEGRAM_API_BASE_URL: must start with http:// or https://",
        ),
        ({"telegram_api_base_url": "http://x:8081"}, "TELEGRAM_API_BASE_URL: must end with /bot"),
        ({"webhook_url": "http://bot.example/hook"}, "WEBHOOK_URL: must start with https://"),
        ({"webhook_port": "70000"}, "WEBHOOK_PORT: Input should be less than or equal to 65535"),
        ({"webhook_secret_token": "có dấu"}, "WEBHOOK_SECRET_TOKEN: must be 1-256 characters"),
        (
            {"max_upload_bytes": 30_000_000},
            "MAX_UPLOAD_BYTES: Input should be less than or equal to 20971520",
        ),
        ({"user_burst": 0}, "USER_BURST: Input should be greater than or equal to 1"),
        ({"log_level": "chatty"}, "LOG_LEVEL: must be one of DEBUG, INFO"),
        (
            {"crawl_check_seconds": "-1"},
            "CRAWL_CHECK_SECONDS: Input should be greater than or equal to 0",
        ),
        (
            {"crawl_progress_seconds": "0"},
            "CRAWL_PROGRESS_SECONDS: Input should be greater than 0",
        ),
    ],
)
def test_a_malformed_setting_is_one_line_naming_the_variable(values: dict, message: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(**values)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_ingest_workers_default_to_the_cores_and_zero_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    monkeypatch.delenv("INGEST_WORKERS", raising=False)
    assert load_settings().ingest_workers == len(os.sched_getaffinity(0))
    monkeypatch.setenv("INGEST_WORKERS", "1")
    assert load_settings().ingest_workers == 1
    monkeypatch.setenv("INGEST_WORKERS", "0")
    with pytest.raises(SettingsError, match="^INGEST_WORKERS: "):
        load_settings()
