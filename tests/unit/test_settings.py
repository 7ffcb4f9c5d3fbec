"""Settings: bad values stop start-up with one line each, naming the setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from entrypoints.settings import Settings, describe_errors

LONG_SECRET = "x" * 32


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(Settings.model_fields):
        monkeypatch.delenv(name.upper(), raising=False)


def load(**environment: str) -> Settings:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        return Settings(_env_file=None)  # type: ignore[call-arg]


def problems(**environment: str) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        load(**environment)
    return describe_errors(raised.value)


def test_the_defaults_are_the_contract_s() -> None:
    settings = load()
    assert settings.app_env == "development"
    assert settings.database_url == "sqlite+aiosqlite:///./data/hexapi.db"
    assert (settings.access_token_expire_minutes, settings.refresh_token_expire_days) == (15, 7)
    assert settings.jwt_algorithm == "HS256"
    assert settings.secret_key is None


def test_a_session_may_not_end_before_its_refresh_token() -> None:
    assert load().session_max_days == 30
    assert load(SESSION_MAX_DAYS="7").session_max_days == 7
    [line] = problems(SESSION_MAX_DAYS="6")
    assert "SESSION_MAX_DAYS" in line and "REFRESH_TOKEN_EXPIRE_DAYS" in line


@pytest.mark.parametrize("secret", [None, "", "short", "x" * 31])
def test_production_needs_a_secret_key_of_32_characters(secret) -> None:
    environment = {"APP_ENV": "production"}
    if secret is not None:
        environment["SECRET_KEY"] = secret
    [line] = problems(**environment)
    assert "SECRET_KEY" in line and "32" in line and "production" in line
    if secret:
        assert secret not in line.split("SECRET_KEY", 1)[1]  # never echoed


def test_production_with_a_long_secret_key_starts() -> None:
    assert load(APP_ENV="production", SECRET_KEY=LONG_SECRET).secret_key == LONG_SECRET
    assert load(APP_ENV="development").secret_key is None  # generated later, kept on disk


def test_each_bad_value_gets_one_line_naming_it() -> None:
    lines = problems(
        ACCESS_TOKEN_EXPIRE_MINUTES="abc",
        REFRESH_TOKEN_EXPIRE_DAYS="0",
        JWT_ALGORITHM="none",
        DATABASE_URL="mysql://localhost/db",
        APP_ENV="staging",
    )
    named = {line.split(":")[0].removeprefix("invalid setting ") for line in lines}
    assert named == {
        "ACCESS_TOKEN_EXPIRE_MINUTES",
        "REFRESH_TOKEN_EXPIRE_DAYS",
        "JWT_ALGORITHM",
        "DATABASE_URL",
        "APP_ENV",
    }
    assert len(lines) == 5
    assert all("\n" not in line for line in lines)


def test_names_are_case_insensitive() -> None:
    settings = load(cors_origins="https://a.example", Jwt_Algorithm="HS512")
    assert settings.cors_origins == ["https://a.example"]
    assert settings.jwt_algorithm == "HS512"


@pytest.mark.parametrize(
    "written",
    [
        "https://a.example, http://localhost:3000/",
        "https://a.example,http://localhost:3000,",
        '["https://a.example", "http://localhost:3000"]',
        ' [ "https://a.example" ,"http://localhost:3000/" ] ',
        "HTTPS://A.Example:443,http://LOCALHOST:3000",
    ],
)
def test_cors_origins_are_taken_comma_separated_or_as_a_json_list(written) -> None:
    # As the browser sends them in Origin: lower case, no default port, no trailing slash.
    assert load(CORS_ORIGINS=written).cors_origins == ["https://a.example", "http://localhost:3000"]


@pytest.mark.parametrize("written", ["", " ", "[]", ",", '[""]'])
def test_no_cors_origins_means_an_empty_list(written) -> None:
    assert load(CORS_ORIGINS=written).cors_origins == []


def test_ip_addresses_and_ports_are_origins_too() -> None:
    written = "http://127.0.0.1:8080,http://[::1]:3000,https://a.example:8443"
    assert load(CORS_ORIGINS=written).cors_origins == written.split(",")


@pytest.mark.parametrize(
    "written",
    [
        "*",
        "a.example",
        "https://a.example/app",
        "https://a.example?x=1",
        "https://a.example#top",
        "https://user@a.example",
        "ftp://a.example",
        "https://a.example:99999",
        "https://",
        "null",
        '["https://a.example"',  # a JSON list with its end cut off
        '["https://a.example", 3]',
        '{"origin": "https://a.example"}',
        "https://a.example https://b.example",
        "https://a.example, b.example",
    ],
)
def test_anything_that_is_not_an_origin_stops_start_up_with_one_line(written) -> None:
    [line] = problems(CORS_ORIGINS=written)
    assert line.startswith("invalid setting CORS_ORIGINS:"), line
    assert "\n" not in line


@pytest.mark.parametrize(
    "written",
    ["old-key-one,old-key-two", '["old-key-one", "old-key-two"]', " old-key-one , old-key-two "],
)
def test_previous_secret_keys_are_taken_comma_separated_or_as_a_json_list(written) -> None:
    assert load(PREVIOUS_SECRET_KEYS=written).previous_secret_keys == ["old-key-one", "old-key-two"]
    assert load().previous_secret_keys == []


def test_previous_secret_keys_are_checked_like_the_secret_key_and_never_shown() -> None:
    [line] = problems(PREVIOUS_SECRET_KEYS='["old-key", 7]')
    assert line.startswith("invalid setting PREVIOUS_SECRET_KEYS:")
    [line] = problems(APP_ENV="production", SECRET_KEY=LONG_SECRET, PREVIOUS_SECRET_KEYS="short")
    assert "PREVIOUS_SECRET_KEYS" in line and "32" in line and "short" not in line
    settings = load(PREVIOUS_SECRET_KEYS="y" * 40)
    assert "y" * 40 not in repr(settings)


@pytest.mark.parametrize(
    ("url", "storage"),
    [
        ("memory://", "memory"),
        ("sqlite+aiosqlite:///tmp/x.db", "sqlalchemy"),
        ("postgresql+asyncpg://u:p@h/db", "sqlalchemy"),
    ],
)
def test_the_database_url_picks_the_storage(url, storage) -> None:
    assert load(DATABASE_URL=url).storage == storage


def test_the_first_superuser_must_satisfy_the_account_rules() -> None:
    admin = {"FIRST_SUPERUSER_EMAIL": "Admin@Example.com"}
    [line] = problems(**admin, FIRST_SUPERUSER_PASSWORD="weakpass")
    assert line.startswith("invalid setting FIRST_SUPERUSER_PASSWORD:")
    assert "weakpass" not in line
    [line] = problems(
        FIRST_SUPERUSER_EMAIL="Admin1@Example.com", FIRST_SUPERUSER_PASSWORD="admin1@EXAMPLE.com"
    )
    assert "e-mail" in line and "FIRST_SUPERUSER_PASSWORD" in line
    [line] = problems(
        FIRST_SUPERUSER_EMAIL="not-an-email", FIRST_SUPERUSER_PASSWORD="Strong-Pass-1"
    )
    assert line.startswith("invalid setting FIRST_SUPERUSER_EMAIL:")
    [line] = problems(FIRST_SUPERUSER_NAME="x" * 101)
    assert line.startswith("invalid setting FIRST_SUPERUSER_NAME:")
    settings = load(**admin, FIRST_SUPERUSER_PASSWORD="Strong-Pass-1")
    assert settings.first_superuser_email == "admin@example.com"


def test_empty_first_superuser_settings_mean_none() -> None:
    settings = load(FIRST_SUPERUSER_EMAIL="", FIRST_SUPERUSER_PASSWORD="")
    assert (settings.first_superuser_email, settings.first_superuser_password) == (None, None)
