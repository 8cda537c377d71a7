"""Moderation: an instructor hides a student's reason from the rest of the class (it stays
stored, and the instructor still sees it, marked hidden), or shows it again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db.models import DilemmaResponse, utcnow
from app.dilemmas.errors import ResponseNotFound


def set_hidden(session: Session, *, response_id: int, hidden: bool) -> DilemmaResponse:
    """Return the response after hiding or showing its reason; raise ResponseNotFound for
    an unknown id. Hiding an already hidden reason keeps its first time."""
    row = session.get(DilemmaResponse, response_id)
    if row is None:
        raise ResponseNotFound(f"There is no answer numbered {response_id}.")
    if not hidden:
        row.hidden_at = None
    elif row.hidden_at is None:
        row.hidden_at = utcnow()
    session.commit()
    return row
