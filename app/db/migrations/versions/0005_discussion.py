"""Peer discussion and confidence: a dilemma response has a round (1 = first, 2 = revised
once after seeing the class), a confidence 1-5 and a moderation mark; a quiz attempt may
carry the student's confidence.

Rows from before this revision are numbered by their order: a student's first response is
round 1 and later ones rounds 2, 3... (the app writes rounds 1 and 2 only; the latest round
above 1 is read as the revision).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFIDENCE = "confidence IS NULL OR (confidence >= 1 AND confidence <= 5)"

NUMBER_ROUNDS = """
UPDATE dilemma_responses SET round = (
    SELECT count(*) FROM dilemma_responses AS earlier
    WHERE earlier.user_id = dilemma_responses.user_id
      AND earlier.lesson_slug = dilemma_responses.lesson_slug
      AND earlier.dilemma_id = dilemma_responses.dilemma_id
      AND earlier.id <= dilemma_responses.id
)
"""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # SQLite adds a column with its own CHECK; a batch copy would drop the table's
        # other CHECKs, which SQLite cannot reflect.
        op.execute(
            "ALTER TABLE attempts ADD COLUMN confidence INTEGER "
            f"CONSTRAINT ck_attempts_confidence_range CHECK ({CONFIDENCE})"
        )
    else:
        op.add_column("attempts", sa.Column("confidence", sa.Integer(), nullable=True))
        op.create_check_constraint(op.f("ck_attempts_confidence_range"), "attempts", CONFIDENCE)

    op.add_column(
        "dilemma_responses",
        sa.Column("round", sa.Integer(), nullable=False, server_default="1"),
    )
    op.execute(NUMBER_ROUNDS)
    # dilemma_responses has no CHECKs yet, so a batch copy on SQLite loses nothing.
    with op.batch_alter_table("dilemma_responses") as batch:
        batch.alter_column("round", server_default=None)
        batch.add_column(sa.Column("confidence", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint(op.f("ck_dilemma_responses_round_positive"), "round >= 1")
        batch.create_check_constraint(op.f("ck_dilemma_responses_confidence_range"), CONFIDENCE)
        batch.create_unique_constraint(
            "uq_dilemma_responses_round", ["user_id", "lesson_slug", "dilemma_id", "round"]
        )


def downgrade() -> None:
    with op.batch_alter_table("dilemma_responses", recreate="always") as batch:
        batch.drop_constraint("uq_dilemma_responses_round", type_="unique")
        batch.drop_constraint(op.f("ck_dilemma_responses_confidence_range"), type_="check")
        batch.drop_constraint(op.f("ck_dilemma_responses_round_positive"), type_="check")
        batch.drop_column("hidden_at")
        batch.drop_column("confidence")
        batch.drop_column("round")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE attempts DROP COLUMN confidence")
    else:
        op.drop_constraint(op.f("ck_attempts_confidence_range"), "attempts", type_="check")
        op.drop_column("attempts", "confidence")
