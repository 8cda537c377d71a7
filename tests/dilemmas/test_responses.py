"""The round rule and what a student is shown, on SQLite and PostgreSQL: a first answer,
one revision, then a refusal that changes nothing (a racing post too); the class's choices
count students only; a hidden reason is never shown to another student."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.content.schema import Dilemma
from app.db.database import Database
from app.db.models import DilemmaResponse, User
from app.dilemmas import responses
from app.dilemmas.errors import AlreadyRevised, InvalidResponse, ResponseNotFound
from app.dilemmas.moderation import set_hidden
from app.dilemmas.responses import discussion, respond

DILEMMA = Dilemma.model_validate(
    {
        "id": "pick",
        "title": "Pick",
        "prompt": "Pick one.",
        "commentary": "It depends.",
        "options": [
            {"id": o, "text": f"Option {o}", "tradeoffs": {"gains": [], "costs": []}}
            for o in ("a", "b", "c")
        ],
    }
)


def user(db: Database, name: str, role: str = "student") -> int:
    with db.session(write=True) as s:
        u = User(username=name, password_hash="!", role=role)
        s.add(u)
        s.commit()
        return u.id


def answer(
    db: Database, user_id: int | None, choice: str, reason: str = "because", confidence: object = 3
):  # type: ignore[no-untyped-def]
    with db.session(write=True) as s:
        return respond(
            s,
            user_id=user_id,
            lesson_slug="l",
            dilemma=DILEMMA,
            choice=choice,
            reason=reason,
            confidence=confidence,
        )


def stored(db: Database) -> list[tuple[int, str, int, int | None]]:
    with db.session(write=False) as s:
        rows = s.execute(
            select(
                DilemmaResponse.user_id,
                DilemmaResponse.choice,
                DilemmaResponse.round,
                DilemmaResponse.confidence,
            ).order_by(DilemmaResponse.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_first_answer_then_one_revision_then_a_refusal(db: Database) -> None:
    ada = user(db, "ada")
    first = answer(db, ada, "a", "first thought", 2)
    assert first.first is not None and first.revised is None and first.can_revise
    revised = answer(db, ada, "b", "changed my mind", 4)
    assert revised.can_revise is False
    assert revised.first is not None and revised.first.choice == "a"
    assert revised.revised is not None and revised.revised.choice == "b"
    assert (revised.choice, revised.confidence) == ("b", 4)
    before = stored(db)
    assert before == [(ada, "a", 1, 2), (ada, "b", 2, 4)]
    with pytest.raises(AlreadyRevised, match="You have already revised your answer"):
        answer(db, ada, "c", "again")
    assert stored(db) == before, "the refusal changes nothing"


def test_a_racing_post_for_a_taken_round_is_the_same_refusal(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = user(db, "ada")
    answer(db, ada, "a")
    # As if another post had read the rows before this one's first answer was written.
    monkeypatch.setattr(responses, "next_round", lambda rows: 1)
    with pytest.raises(AlreadyRevised, match="already saved"):
        answer(db, ada, "b")
    monkeypatch.setattr(responses, "next_round", lambda rows: 2)
    answer(db, ada, "b")
    with pytest.raises(AlreadyRevised, match="You have already revised your answer"):
        answer(db, ada, "c")
    assert stored(db) == [(ada, "a", 1, 3), (ada, "b", 2, 3)]


@pytest.mark.parametrize(
    ("choice", "reason", "confidence", "says"),
    [
        ("", "x", 3, "Choose one of the options"),
        ("z", "x", 3, "Choose one of the options: a, b, c."),
        ("a", "", 3, "Write a sentence or two"),
        ("a", "x" * 2001, 3, "Keep your reason to 2000 characters"),
        ("a", "x", None, "Say how sure you are, from 1"),
        ("a", "x", 6, "whole number from 1 to 5"),
        ("a", "x", True, "whole number from 1 to 5"),
        ("a", "x", "2.5", "whole number from 1 to 5"),
    ],
)
def test_invalid_answers_are_refused_and_store_nothing(
    db: Database, choice: str, reason: str, confidence: object, says: str
) -> None:
    ada = user(db, "ada")
    with pytest.raises(InvalidResponse, match=says):
        answer(db, ada, choice, reason, confidence)
    assert stored(db) == []


def test_a_guest_sees_the_commentary_but_not_the_class_and_nothing_is_stored(
    db: Database,
) -> None:
    for name, choice in (("s1", "a"), ("s2", "b"), ("s3", "c")):
        answer(db, user(db, name), choice, f"reason of {name}")
    guest = answer(db, None, "a", "guessing", None)  # a guest needn't say how sure
    assert guest.saved is False and guest.notice and guest.commentary == "It depends."
    assert guest.class_choices is None and guest.peers == [] and guest.first is None
    assert len(stored(db)) == 3


def test_the_class_counts_students_only(db: Database) -> None:
    ada = user(db, "ada")
    answer(db, ada, "a")
    answer(db, user(db, "teach", "instructor"), "b", "teacher's reason")
    answer(db, user(db, "guest-1", "guest"), "b", "guest's reason")
    answer(db, user(db, "bob"), "b", "bob's reason")
    with db.session(write=False) as s:
        seen = discussion(s, user_id=ada, lesson_slug="l", dilemma=DILEMMA)
    assert seen is not None and seen.class_choices is not None
    assert seen.class_choices.students == 2 and not seen.class_choices.shown
    assert seen.peers == [], "below the threshold a reason would single bob out"
    answer(db, user(db, "cy"), "c", "cy's reason")
    with db.session(write=False) as s:
        seen = discussion(s, user_id=ada, lesson_slug="l", dilemma=DILEMMA)
    assert seen is not None and seen.class_choices is not None and seen.class_choices.shown
    assert [(c.id, c.count) for c in seen.class_choices.choices] == [("a", 1), ("b", 1), ("c", 1)]
    assert sorted(p.text for p in seen.peers) == ["bob's reason", "cy's reason"]


def test_a_hidden_reason_is_never_shown_again_until_shown(db: Database) -> None:
    ada, bob = user(db, "ada"), user(db, "bob")
    answer(db, ada, "a")
    answer(db, bob, "b", "rude words")
    answer(db, user(db, "cy"), "a", "agrees with ada: never offered to her")
    with db.session(write=False) as s:
        bob_row = s.scalar(select(DilemmaResponse.id).where(DilemmaResponse.user_id == bob))
    assert bob_row is not None

    def peers() -> list[str]:
        with db.session(write=False) as s:
            seen = discussion(s, user_id=ada, lesson_slug="l", dilemma=DILEMMA)
        assert seen is not None
        return [p.text for p in seen.peers]

    assert peers() == ["rude words"]
    with db.session(write=True) as s:
        set_hidden(s, response_id=bob_row, hidden=True)
    assert peers() == []
    with db.session(write=True) as s:
        set_hidden(s, response_id=bob_row, hidden=False)
    assert peers() == ["rude words"]
    with db.session(write=True) as s, pytest.raises(ResponseNotFound):
        set_hidden(s, response_id=bob_row + 100, hidden=True)
    with db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(DilemmaResponse)) == 3
