"""Is storage working? A real write, read back, on the database the app uses."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Heartbeat


def round_trip(session: Session) -> None:
    """Write a fresh value into this process's heartbeat row, commit, and read it back in a
    new transaction; raise (OperationalError, StorageUnavailable…) when storage fails."""
    beat = secrets.token_hex(16)
    row = session.get(Heartbeat, os.getpid())
    if row is None:
        session.add(Heartbeat(id=os.getpid(), beat=beat))
    else:
        row.beat = beat
    session.commit()
    read = session.scalar(select(Heartbeat.beat).where(Heartbeat.id == os.getpid()))
    session.rollback()
    if read != beat:
        raise RuntimeError("the heartbeat written was not read back")
