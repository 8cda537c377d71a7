"""One typed settings object for the whole app, read from PARADE_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "dev-insecure-change-me"
MIN_SECRET = 32


class Settings(BaseSettings):
    """Everything the app can be configured with; each field documents itself."""

    model_config = SettingsConfigDict(env_prefix="PARADE_", env_file=".env", extra="ignore")

    lessons_dir: Path = Field(
        default=Path("lessons"), description="Folder holding lesson folders and seed .txt files."
    )
    database_url: str = Field(
        default="sqlite:///parade.db",
        description="SQLAlchemy URL: a SQLite file by default, postgresql+psycopg:// for a class",
    )
    environment: Literal["development", "production"] = Field(
        default="development",
        description="production refuses to start with the development secret key.",
    )
    secret_key: str = Field(
        default=DEVELOPMENT_SECRET,
        description="Signs session and CSRF tokens. Set a long random value in production.",
    )
    password_hash_cost: Literal["standard", "test"] = Field(
        default="standard",
        description="standard: Argon2id at argon2-cffi's recommended cost (64 MiB, 3 passes). "
        "test: 1 MiB, 1 pass, for test suites that create hundreds of accounts; production "
        "refuses it.",
    )
    templates_dir: Path = Field(
        default=PROJECT_ROOT / "templates", description="Jinja2 templates folder."
    )
    static_dir: Path = Field(default=PROJECT_ROOT / "static", description="Static files folder.")
    watch_lessons: bool = Field(
        default=True, description="Reload lessons when their files change while the server runs."
    )
    watch_debounce_ms: int = Field(
        default=200, ge=10, le=10_000, description="Quiet time before a lesson reload, in ms."
    )
    blas_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="BLAS threads per server process. The engine's matrices are small, so "
        "threads only contend; scale with --workers instead.",
    )
    migrate_on_startup: bool = Field(
        default=True, description="Apply database migrations when the app starts."
    )
    session_days: int = Field(
        default=14, ge=1, le=365, description="Days a login lasts before it must be renewed."
    )
    login_limit_per_account: int = Field(
        default=5,
        ge=1,
        description="Failed logins for one account (over the last day) after which each further "
        "try from a browser that has not logged into it waits (growing delay); browsers that "
        "logged into it before are not slowed.",
    )
    login_delay_seconds: int = Field(
        default=15,
        ge=1,
        description="The first wait once an account's failures reach the limit, in seconds; "
        "it doubles with each further failure, up to the login window.",
    )
    login_limit_per_client: int = Field(
        default=100,
        ge=1,
        description="Failed logins (successes do not count) allowed per client address in the "
        "window: generous, as a class behind one NAT address shares it.",
    )
    login_window_seconds: int = Field(
        default=900, ge=1, description="The window the login limits count over, in seconds."
    )
    reset_code_hours: int = Field(
        default=24,
        ge=1,
        le=720,
        description="Hours a password-reset code from an instructor stays valid (used once).",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (comma-separated, e.g. 10.0.0.5,192.168.1.0/24) of "
        "reverse proxies whose X-Forwarded-For is believed. Empty: the peer's own address.",
    )
    register_limit_per_client: int = Field(
        default=60,
        ge=1,
        description="Sign-ups allowed per client address in the registration window. A class "
        "behind one NAT address shares it: raise it for large classes.",
    )
    register_window_seconds: int = Field(
        default=3600, ge=1, description="The window the sign-up limit counts over, in seconds."
    )
    guest_limit_per_client: int = Field(
        default=200,
        ge=1,
        description="Guests (answering without an account) started per client address in the "
        "guest window. Each guest's tries are counted; a new guest gets new tries.",
    )
    guest_window_seconds: int = Field(
        default=3600, ge=1, description="The window the guest limit counts over, in seconds."
    )
    guest_days: int = Field(
        default=30, ge=1, le=365, description="Days a guest's tries are kept in their browser."
    )

    train_streams_per_client: int = Field(
        default=2,
        ge=1,
        description="Training streams one client address may run at once, across all workers; "
        "one more gets 429 with Retry-After. A class behind one NAT address shares it.",
    )
    train_streams_per_worker: int = Field(
        default=4,
        ge=1,
        description="Training streams one server process runs at once (each can take ~140 MB "
        "at the largest settings); one more gets 429 with Retry-After.",
    )
    cpu_seconds_per_client: float = Field(
        default=300.0,
        gt=0,
        description="Engine CPU-seconds (traces and training) one client address may use in the "
        "CPU window; beyond it, engine requests get 429 with Retry-After. A class behind one "
        "NAT address shares it: raise it for large classes.",
    )
    cpu_window_seconds: int = Field(
        default=900, ge=1, description="The window the CPU limit counts over, in seconds."
    )
    answer_limit_per_student: int = Field(
        default=60,
        ge=1,
        description="Quiz answers plus dilemma responses one student or guest may post in the "
        "answer window (anonymous dilemma responses count per client address).",
    )
    answer_window_seconds: int = Field(
        default=60, ge=1, description="The window the answer limit counts over, in seconds."
    )
    max_request_kb: int = Field(
        default=1024,
        ge=1,
        le=1_048_576,
        description="Kilobytes a request body may have (the largest the app takes, a training "
        "text of 20,000 characters, is under 120 KB); a larger one gets 413 before it is read.",
    )
    trace_cache_mb: int = Field(
        default=64,
        ge=0,
        le=65_536,
        description="Megabytes of computed traces each server process keeps to answer repeated "
        "requests (least recently used dropped first); 0 turns the cache off.",
    )

    trained_network_hours: int = Field(
        default=24,
        ge=1,
        le=720,
        description="Hours a network trained in the Train view is kept, so the stepper can step "
        "it; then it is deleted.",
    )
    trained_network_per_client: int = Field(
        default=20,
        ge=1,
        description="Trained networks kept per client address; keeping one more deletes that "
        "address's oldest. A class behind one NAT address shares it: raise it for large classes.",
    )
    trained_network_max: int = Field(
        default=2000,
        ge=1,
        description="Trained networks the server keeps in all (each up to 1 MB in the "
        "database); keeping one more deletes the oldest.",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        """Return the proxies as a list, each checked to be an address or a network."""
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, list):
            for v in value:
                try:
                    ip_network(str(v), strict=False)
                except ValueError:
                    raise ValueError(f"{v!r} is not an IP address or network") from None
        return value


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()


class InsecureSecret(RuntimeError):
    """Production with the development secret key, or a short one (anyone could forge
    tokens), or with the test suites' cheap password hashing."""


def check_secret(settings: Settings) -> str | None:
    """Return a warning when the secret key is weak in development; raise InsecureSecret in
    production."""
    if settings.environment == "production" and settings.password_hash_cost != "standard":
        raise InsecureSecret(
            "PARADE_PASSWORD_HASH_COST=test makes stolen password hashes cheap to crack: "
            "leave it unset in production."
        )
    weak = settings.secret_key == DEVELOPMENT_SECRET or len(settings.secret_key) < MIN_SECRET
    if not weak:
        return None
    message = (
        f"PARADE_SECRET_KEY is the development default or shorter than {MIN_SECRET} "
        "characters: anyone could forge CSRF tokens. Set a long random value, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
    )
    if settings.environment == "production":
        raise InsecureSecret(message)
    return message
