"""Trained networks kept for the stepper: id hash, client, weights, expiry.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "trained_networks",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("cell", sa.String(length=8), nullable=False),
        sa.Column("hidden_size", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("weights", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_trained_networks")),
    )
    op.create_index(
        "ix_trained_networks_client_created", "trained_networks", ["client", "created_at"]
    )
    op.create_index("ix_trained_networks_created", "trained_networks", ["created_at"])


def downgrade() -> None:
    op.drop_table("trained_networks")
