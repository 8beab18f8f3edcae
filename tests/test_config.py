"""Settings: every missing or malformed variable is named at once; no value of a secret is."""

import pytest
from helpers import new_key

from bot.service.config import MIN_SECRET_LENGTH, ConfigError, Settings

SECRET = "hook-secret-0123456789"
BASE = {"GITHUB_WEBHOOK_SECRET": SECRET, "GITHUB_TOKEN": "tok"}


def problems(env: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    return str(raised.value)


def test_every_problem_is_listed_in_one_message():
    message = problems(
        {
            "PORT": "eighty",
            "QUEUE_URL": "mysql://db",
            "GITHUB_API_URL": "api.github.com",
            "GITHUB_REPOSITORY": "awesome-vis",
        }
    )
    assert message.startswith("cannot start:\n")
    for expected in (
        "- GITHUB_WEBHOOK_SECRET is not set",
        "- no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY",
        "- GITHUB_API_URL must be an http(s) URL",
        "- QUEUE_URL must start with sqlite:/// or redis://",
        "- GITHUB_REPOSITORY must be owner/name, not 'awesome-vis'",
        "- PORT must be a TCP port number (1-65535), not 'eighty'",
    ):
        assert expected in message


@pytest.mark.parametrize("secret", [" ", "a", "x" * 15, " " * 16, " a" * 8])
def test_a_webhook_secret_shorter_than_16_characters_is_refused_saying_why(secret):
    message = problems({**BASE, "GITHUB_WEBHOOK_SECRET": secret})
    assert f"- GITHUB_WEBHOOK_SECRET is shorter than {MIN_SECRET_LENGTH} characters" in message
    assert "can be guessed and deliveries forged" in message
    assert "secrets.token_hex(32)" in message


def test_a_webhook_secret_of_16_characters_is_accepted():
    assert Settings.from_env({**BASE, "GITHUB_WEBHOOK_SECRET": "x" * 16}).webhook_secret


@pytest.mark.parametrize("port", ["0", "65536", "-1", "80 "])
def test_a_port_out_of_range_is_refused(port):
    assert "PORT must be a TCP port number" in problems({**BASE, "PORT": port})


def test_redis_url_is_the_queue_when_queue_url_is_not_set():
    settings = Settings.from_env({**BASE, "REDIS_URL": "redis://cache:6379/0"})
    assert settings.queue_url == "redis://cache:6379/0"
    explicit = Settings.from_env({**BASE, "REDIS_URL": "redis://a", "QUEUE_URL": "redis://b"})
    assert explicit.queue_url == "redis://b"


def test_app_settings_from_a_key_file(tmp_path):
    private, _ = new_key()
    (tmp_path / "app.pem").write_text(private)
    env = {
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_APP_ID": "42",
        "GITHUB_APP_PRIVATE_KEY_FILE": str(tmp_path / "app.pem"),
    }
    settings = Settings.from_env(env)
    assert (settings.app_id, settings.token) == (42, None)
    assert settings.app_private_key == private
    assert private not in repr(settings)


def test_a_key_with_escaped_newlines_as_platforms_store_it_is_read():
    private, _ = new_key()
    env = {"GITHUB_WEBHOOK_SECRET": SECRET, "GITHUB_APP_ID": "42"}
    settings = Settings.from_env(env | {"GITHUB_APP_PRIVATE_KEY": private.replace("\n", "\\n")})
    assert settings.app_private_key == private


def test_an_unreadable_key_file_is_named(tmp_path):
    message = problems(
        {
            "GITHUB_WEBHOOK_SECRET": SECRET,
            "GITHUB_APP_ID": "42",
            "GITHUB_APP_PRIVATE_KEY_FILE": str(tmp_path / "missing.pem"),
        }
    )
    assert f"GITHUB_APP_PRIVATE_KEY_FILE '{tmp_path / 'missing.pem'}' cannot be read" in message
    assert "No such file or directory" in message


def test_a_malformed_key_is_named_without_its_text():
    message = problems(
        {
            "GITHUB_WEBHOOK_SECRET": SECRET,
            "GITHUB_APP_ID": "42",
            "GITHUB_APP_PRIVATE_KEY": "hunter2",
        }
    )
    assert "GITHUB_APP_PRIVATE_KEY is not a PEM private key" in message
    assert "hunter2" not in message


def test_an_app_id_without_a_key_and_a_key_without_an_id():
    private, _ = new_key()
    assert "GITHUB_APP_PRIVATE_KEY is not set" in problems(
        {"GITHUB_WEBHOOK_SECRET": SECRET, "GITHUB_APP_ID": "42"}
    )
    assert "GITHUB_APP_ID must be the App's numeric id" in problems(
        {"GITHUB_WEBHOOK_SECRET": SECRET, "GITHUB_APP_PRIVATE_KEY": private}
    )


def test_the_repository_setting_is_optional_and_kept():
    assert Settings.from_env(BASE).repository is None
    assert Settings.from_env({**BASE, "GITHUB_REPOSITORY": "octo/awesome-vis"}).repository == (
        "octo/awesome-vis"
    )


def test_autofill_is_on_by_default_against_arxivs_api_and_can_be_turned_off():
    settings = Settings.from_env(BASE)
    assert (settings.autofill, settings.arxiv_api_url) == (
        True,
        "https://export.arxiv.org/api/query",
    )
    elsewhere = {**BASE, "AUTOFILL": "OFF", "ARXIV_API_URL": "http://127.0.0.1:9/api/query"}
    assert Settings.from_env(elsewhere).autofill is False
    assert Settings.from_env(elsewhere).arxiv_api_url == "http://127.0.0.1:9/api/query"


def test_malformed_autofill_settings_are_named():
    message = problems({**BASE, "AUTOFILL": "maybe", "ARXIV_API_URL": "export.arxiv.org"})
    assert "- AUTOFILL must be on or off, not 'maybe'" in message
    assert "- ARXIV_API_URL must be an http(s) URL" in message


def test_a_github_actions_run_needs_no_webhook_secret():
    env = {"GITHUB_TOKEN": "tok", "BOT_LOGIN": "github-actions[bot]"}
    assert "GITHUB_WEBHOOK_SECRET is not set" in problems(env)
    settings = Settings.from_env(env, webhook=False)
    assert (settings.webhook_secret, settings.login) == ("", "github-actions[bot]")


@pytest.mark.parametrize("login", ["my app[bot]", "-app", "app[bot]x", "owner/app"])
def test_a_bot_login_that_is_no_github_login_is_refused(login):
    assert "BOT_LOGIN must be a GitHub login" in problems({**BASE, "BOT_LOGIN": login})


def test_the_watch_is_on_by_default_rechecks_after_20_hours_and_allows_no_host():
    settings = Settings.from_env(BASE)
    assert (settings.watch, settings.watch_recheck_hours, settings.watch_allow_hosts) == (
        True,
        20.0,
        (),
    )
    given = {
        **BASE,
        "WATCH": "Off",
        "WATCH_RECHECK_HOURS": "0.5",
        "WATCH_ALLOW_HOSTS": " 127.0.0.1, Paper.Test ,::1,",
    }
    settings = Settings.from_env(given)
    assert (settings.watch, settings.watch_recheck_hours) == (False, 0.5)
    assert settings.watch_allow_hosts == ("127.0.0.1", "paper.test", "::1")


def test_malformed_watch_settings_are_named():
    message = problems(
        {
            **BASE,
            "WATCH": "daily",
            "WATCH_RECHECK_HOURS": "-3",
            "WATCH_ALLOW_HOSTS": "localhost,http://10.0.0.1/,my host",
        }
    )
    assert "- WATCH must be on or off, not 'daily'" in message
    assert "- WATCH_RECHECK_HOURS must be a number of hours such as 20, not '-3'" in message
    assert "not 'http://10.0.0.1/', 'my host'" in message
