"""One typed settings object for the whole app, read from PARADE_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
        default=5, ge=1, description="Failed logins allowed per account in the login window."
    )
    login_limit_per_client: int = Field(
        default=20, ge=1, description="Failed logins allowed per client address in the window."
    )
    login_window_seconds: int = Field(
        default=900, ge=1, description="The window the login limits count over, in seconds."
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


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()


class InsecureSecret(RuntimeError):
    """Production with the development secret key, or a short one: anyone could forge tokens."""


def check_secret(settings: Settings) -> str | None:
    """Return a warning when the secret key is weak in development; raise InsecureSecret in
    production."""
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
