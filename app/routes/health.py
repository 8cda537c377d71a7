"""Health: liveness (the process answers) and readiness (storage works, end to end)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from app.db.health import round_trip
from app.web.deps import DatabaseDep
from app.web.responses import refusals

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


@router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="Readiness: a write to the database, read back",
    responses=refusals({503: "Storage is failing: nothing can be saved"}),
)
def readyz(db: DatabaseDep) -> Health:
    with db.session(write=True) as session:
        round_trip(session)
    return Health(status="ok")
