"""Configuration from the environment or a `.env` file; names as in the contract."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.errors import PolicyViolation
from domain.passwords import password_policy_message
from domain.users import MAX_NAME_LENGTH
from entrypoints.email_addresses import parse_email
from entrypoints.setting_lists import normalize_origin, parse_list

MIN_PRODUCTION_SECRET_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    app_env: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite+aiosqlite:///./data/hexapi.db"
    data_dir: Path = Path("./data")
    secret_key: str | None = Field(default=None, repr=False)
    # Keys that were SECRET_KEY before a rotation: still accepted for verification only.
    previous_secret_keys: Annotated[list[str], NoDecode] = Field(default=[], repr=False)
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_expire_minutes: int = Field(default=15, gt=0)
    refresh_token_expire_days: int = Field(default=7, gt=0)
    # However often it is refreshed, a login session ends this long after the login.
    session_max_days: int = Field(default=30, gt=0)
    cors_origins: Annotated[list[str], NoDecode] = []
    first_superuser_email: str | None = None
    first_superuser_password: str | None = Field(default=None, repr=False)
    first_superuser_name: str = Field(
        default="Administrator", min_length=1, max_length=MAX_NAME_LENGTH
    )
    password_hash_workers: int | None = Field(default=None, gt=0)
    # Twenty connections held open, none beyond: a connection opened for a burst and closed
    # when handed back (SQLAlchemy's overflow) cost a products page 40 % of its throughput
    # under 32 concurrent requests, for the same ceiling of 20 per pool and worker.
    db_pool_size: int = Field(default=20, gt=0)
    db_max_overflow: int = Field(default=0, ge=0)
    # Each wait for the database, and all the waits of one request together: below the
    # contract's 5 s, so an outage is a 503 within it.
    db_timeout_seconds: float = Field(default=4.0, gt=0)

    # Requests
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    upload_dir: Path = Path("./data/uploads")
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0)

    # Files: bytes on local disk (UPLOAD_DIR, one host) or in an S3-compatible object store
    # (several hosts share one bucket); avatars are kept in the same place.
    file_storage: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None  # None: AWS itself; else MinIO, Ceph, R2 …
    s3_region: str | None = None
    s3_access_key_id: str | None = None  # None: the usual AWS credential chain
    s3_secret_access_key: str | None = Field(default=None, repr=False)
    s3_prefix: str = ""  # before every object's name, so deployments can share a bucket
    file_link_minutes: int = Field(default=15, gt=0)
    # Unpublished writes and bytes without a row are removed once this old (a crash between
    # storing and committing leaves them); uploads in progress are younger.
    file_orphan_grace_seconds: float = Field(default=3600, gt=0)
    metrics_enabled: bool = True

    # Login throttling
    login_max_failures: int = Field(default=5, gt=0)
    login_lockout_seconds: int = Field(default=900, gt=0)
    # Failed logins one client address may make per CLIENT_WINDOW (domain/throttling.py).
    login_client_max_failures: int = Field(default=50, gt=0)
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (uvicorn's list syntax:
    # addresses or networks, comma-separated); none by default.
    forwarded_allow_ips: Annotated[list[str], NoDecode] = []

    # E-mail
    email_backend: Literal["console", "smtp", "memory"] = "console"
    email_from: str = "hexapi <no-reply@localhost>"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, gt=0, lt=65536)
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = False
    smtp_tls: bool = False  # implicit TLS from the first byte (port 465)
    # Sent and refused messages are kept this long in the outbox, then pruned by the worker.
    email_retention_days: float = Field(default=7, gt=0)
    frontend_url: str = "http://localhost:3000"
    reset_token_expire_minutes: int = Field(default=60, gt=0)

    # Chat
    chat_history_days: int = Field(default=30, gt=0)
    # How often a connected member's token and session are checked again: an expired token
    # or a revoked session ends the connection within this long.
    chat_auth_check_seconds: float = Field(default=30, gt=0, le=60)

    @field_validator("cors_origins", "previous_secret_keys", "forwarded_allow_ips", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        return parse_list(value) if isinstance(value, str) else value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return [normalize_origin(origin) for origin in value]

    @field_validator("previous_secret_keys")
    @classmethod
    def _previous_keys(cls, value: list[str]) -> list[str]:
        if any(not key for key in value):
            raise ValueError("a key may not be empty")
        return value

    # The first superuser is made during start-up: a value the account rules refuse must stop
    # start-up here, as one line naming the setting, not as a traceback from the lifespan.
    @field_validator("first_superuser_email")
    @classmethod
    def _first_superuser_email(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return parse_email(value)
        except PolicyViolation as exc:
            raise ValueError(exc.detail) from None

    @field_validator("first_superuser_password")
    @classmethod
    def _first_superuser_password(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        message = password_policy_message(value, info.data.get("first_superuser_email"))
        if message is not None:
            raise ValueError(message)
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://", "memory://")):
            raise ValueError(
                "must start with sqlite+aiosqlite://, postgresql+asyncpg:// or memory://"
            )
        return value

    @model_validator(mode="after")
    def _one_smtp_tls(self) -> Settings:
        if self.smtp_tls and self.smtp_starttls:
            raise ValueError("SMTP_TLS and SMTP_STARTTLS exclude each other: set one")
        return self

    @model_validator(mode="after")
    def _s3_bucket(self) -> Settings:
        if self.file_storage == "s3" and not self.s3_bucket:
            raise ValueError("S3_BUCKET must be set when FILE_STORAGE=s3")
        return self

    @model_validator(mode="after")
    def _session_outlasts_its_refresh_token(self) -> Settings:
        if self.session_max_days < self.refresh_token_expire_days:
            raise ValueError("SESSION_MAX_DAYS must be at least REFRESH_TOKEN_EXPIRE_DAYS")
        return self

    @model_validator(mode="after")
    def _production_secret(self) -> Settings:
        if self.app_env is not Environment.PRODUCTION:
            return self
        if self.secret_key is None or len(self.secret_key) < MIN_PRODUCTION_SECRET_LENGTH:
            raise ValueError(
                f"SECRET_KEY must be set to at least {MIN_PRODUCTION_SECRET_LENGTH} characters"
                " when APP_ENV=production"
            )
        if any(len(key) < MIN_PRODUCTION_SECRET_LENGTH for key in self.previous_secret_keys):
            raise ValueError(
                f"PREVIOUS_SECRET_KEYS must each be at least {MIN_PRODUCTION_SECRET_LENGTH}"
                " characters when APP_ENV=production"
            )
        return self

    @property
    def storage(self) -> Literal["memory", "sqlalchemy"]:
        return "memory" if self.database_url.startswith("memory://") else "sqlalchemy"

    @property
    def file_storage_kind(self) -> Literal["memory", "local", "s3"]:
        """Where bytes go: the object store when configured; else beside the database (in
        memory with the memory backend, UPLOAD_DIR otherwise)."""
        if self.file_storage == "s3":
            return "s3"
        return "memory" if self.storage == "memory" else "local"

    @property
    def db_max_connections(self) -> int:
        """The most connections one pool of one worker opens: its size and its overflow."""
        return self.db_pool_size + self.db_max_overflow

    @property
    def database_kind(self) -> Literal["memory", "sqlite", "postgresql"]:
        if self.storage == "memory":
            return "memory"
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"


def describe_errors(error: ValidationError) -> list[str]:
    """One clear line per bad setting, naming it as the operator wrote it."""
    lines = []
    for problem in error.errors():
        name = "_".join(str(part) for part in problem["loc"]).upper()
        message = problem["msg"].removeprefix("Value error, ")
        # A rule across settings has no single name; its message names the settings involved.
        lines.append(
            f"invalid setting {name}: {message}" if name else f"invalid settings: {message}"
        )
    return lines
