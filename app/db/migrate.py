"""Schema upgrades: Alembic, configured in code (no alembic.ini), for any database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.db.database import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD = "0008"  # the newest revision in migrations/versions (tests check it is the head)


def alembic_config(url: str) -> Any:
    """Return the Alembic configuration for `url` (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` up to `revision`; safe to run from several workers at once."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the schema at `url` back to `revision`."""
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    """Return the schema revision stored in the database at `url`, or None when it has none."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
