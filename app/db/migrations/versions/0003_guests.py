"""Guests: answering without an account is counted on the server, as a user with the
'guest' role (a random cookie; no name or password anyone can log in with).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WITH_GUESTS = "role IN ('student', 'instructor', 'guest')"
WITHOUT_GUESTS = "role IN ('student', 'instructor')"


def _users(check: str) -> sa.Table:
    """The users table as 0001 made it, with the role check `check`."""
    return sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(check, name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )


def _set_role_check(check: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot alter a CHECK constraint (nor reflect it): copy the table whole.
        with op.batch_alter_table("users", copy_from=_users(check), recreate="always"):
            pass
        return
    # 0001 named it twice over through the naming convention: ck_users_ck_users_role.
    for name in ("ck_users_ck_users_role", "ck_users_role"):
        op.execute(f"ALTER TABLE users DROP CONSTRAINT IF EXISTS {name}")
    op.create_check_constraint(op.f("ck_users_role"), "users", check)


def upgrade() -> None:
    _set_role_check(WITH_GUESTS)


def downgrade() -> None:
    op.execute("DELETE FROM users WHERE role = 'guest'")
    _set_role_check(WITHOUT_GUESTS)
