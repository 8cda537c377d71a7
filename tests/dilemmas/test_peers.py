"""The peer-discussion rules, pure: the class's first choices appear from MIN_ANSWERS
answers; peers' reasons are never the viewer's own, never for the viewer's option, never
hidden or empty, spread over the other options and the same on every reload."""

from __future__ import annotations

from collections import Counter

import pytest

from app.content.schema import Dilemma
from app.dilemmas.peers import MIN_ANSWERS, Candidate, first_choice_shares, pick_peers

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
OPTIONS = ["a", "b", "c"]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4])
def test_the_class_choices_appear_from_three_answers(n: int) -> None:
    firsts = ["a", "b", "a", "c"][:n]
    shares = first_choice_shares(Counter(firsts), DILEMMA)
    assert MIN_ANSWERS == 3 and shares.threshold == 3
    assert shares.students == n
    assert shares.shown is (n >= 3)
    if n < 3:
        assert shares.choices == [], "no counts at all below the threshold"
    else:
        expected = {o: firsts.count(o) for o in OPTIONS}
        assert {c.id: c.count for c in shares.choices} == expected
        assert {c.id: c.percent for c in shares.choices} == {
            o: round(100 * k / n, 1) for o, k in expected.items()
        }


def test_choices_of_removed_options_are_not_counted() -> None:
    shares = first_choice_shares(Counter(["a", "gone", "b", "gone"]), DILEMMA)
    assert shares.students == 2 and not shares.shown


def cand(user: int, choice: str, reason: str = "why", round_: int = 1, hidden: bool = False):  # type: ignore[no-untyped-def]
    return Candidate(user, choice, reason, round_, hidden)


def pick(candidates: list[Candidate], viewer: int = 1, choice: str = "a") -> list[Candidate]:
    return pick_peers(
        candidates, viewer_id=viewer, viewer_choice=choice, option_ids=OPTIONS, seed=f"{viewer}"
    )


def test_never_own_never_same_option_never_hidden_never_empty() -> None:
    candidates = [
        cand(1, "b", "my own reason"),  # the viewer's, even for another option
        cand(2, "a", "same option as the viewer"),
        cand(3, "b", "hidden", hidden=True),
        cand(4, "c", "   "),
        cand(5, "b", "shown b"),
        cand(6, "c", "shown c"),
    ]
    picked = pick(candidates)
    assert sorted(c.reason for c in picked) == ["shown b", "shown c"]


def test_one_reason_per_other_option_first_then_more() -> None:
    candidates = [cand(u, "b", f"b{u}") for u in range(10, 15)] + [cand(20, "c", "c20")]
    picked = pick(candidates)
    assert len(picked) == 3
    assert [c.choice for c in picked][:2] == ["b", "c"], "each other option before a second"
    assert len({c.user_id for c in picked}) == 3


def test_a_students_latest_usable_reason_is_preferred() -> None:
    candidates = [cand(7, "b", "first thought"), cand(7, "b", "after discussion", round_=2)]
    assert [c.reason for c in pick(candidates)] == ["after discussion"]
    hidden_revision = [cand(7, "b", "first thought"), cand(7, "c", "rude", 2, hidden=True)]
    assert [c.reason for c in pick(hidden_revision)] == ["first thought"]


def test_a_student_who_came_round_to_the_viewers_choice_is_not_offered() -> None:
    came_round = [cand(7, "b", "b is better"), cand(7, "a", "a after all", round_=2)]
    assert pick(came_round) == []
    moved_away = [cand(8, "a", "a first"), cand(8, "b", "b after all", round_=2)]
    assert [c.reason for c in pick(moved_away)] == ["b after all"]


def test_the_choice_is_the_same_on_every_reload_and_differs_between_viewers() -> None:
    candidates = [cand(u, "b", f"b{u}") for u in range(10, 40)]
    shown = [pick(candidates, viewer=1) for _ in range(3)]
    assert shown[0] == shown[1] == shown[2]
    assert pick(list(reversed(candidates)), viewer=1) == shown[0], "row order doesn't matter"
    others = {tuple(c.user_id for c in pick(candidates, viewer=v)) for v in range(2, 12)}
    assert len(others) > 1, "each viewer has their own draw"
    # A new answer slots in without reshuffling: the earlier picks stay unless it outranks them.
    more = pick([*candidates, cand(99, "b", "late")], viewer=1)
    assert [c for c in more if c.user_id != 99] == shown[0][
        : len(more) - (99 in {c.user_id for c in more})
    ]


def test_nothing_to_show() -> None:
    assert pick([]) == []
    assert pick([cand(2, "a")]) == []
