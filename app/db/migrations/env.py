"""Alembic environment: the URL comes from the caller (app.db.upgrade) or from Settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from app.config import get_settings
from app.db.database import WRITE_OPTION, make_engine
from app.db.models import Base

config = context.config
target_metadata = Base.metadata

# Any constant works: every process upgrading the same PostgreSQL database takes this lock.
PG_MIGRATION_LOCK = 0x7061726164650001


def database_url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            # One transaction for the whole upgrade, taking the write lock first (SQLite:
            # BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so workers starting together
            # run the migrations once and the others then find the schema up to date.
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
                    )
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=True,  # SQLite alters tables by copying them
                    transactional_ddl=True,
                    compare_type=True,
                )
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
