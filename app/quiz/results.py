"""What a student is told about their answers and their standing: one model per result,
returned by the services, serialized by the JSON API and rendered by the templates as is."""

from __future__ import annotations

from pydantic import BaseModel

GUEST_NOTICE = (
    "You are not logged in: your tries are counted in this browser, but no score is kept. "
    "Log in to keep your score."
)


class AttemptOut(BaseModel):
    """The grade of one answer. Feedback, explanation and solution exist only here."""

    correct: bool
    score: float  # points earned by this try, 0..1 of the question
    feedback: list[str]
    misconceptions: list[str]
    hints: list[str]  # unlocked so far; empty once the question is finished
    attempts_left: int
    finished: bool
    explanation: str | None  # only once the question is finished
    solution: str | None  # likewise
    saved: bool  # kept in a student's score (False for a guest, whose tries still count)
    attempt: int  # the try's number
    best_score: float | None  # None for a guest
    notice: str | None = None


class QuestionProgressOut(BaseModel):
    """A student's standing on one question (the current version of it)."""

    id: str
    prompt: str
    tries: int
    attempts_left: int
    best_score: float
    correct: bool
    finished: bool


class QuestionStatusOut(BaseModel):
    """Where a student left off on one question: shown on the lesson page when it loads."""

    tries: int
    max_attempts: int
    attempts_left: int
    best_score: float
    correct: bool
    finished: bool
    last: AttemptOut | None  # what they were told about their last try
    filled: dict[str, list[str]]  # their last answer as form fields, to fill the form again


class QuizSummaryOut(BaseModel):
    done: int  # finished: answered right, or out of tries
    total: int
    score: float
    max_score: int


class LessonProgressOut(BaseModel):
    slug: str
    title: str
    score: float  # sum over questions of the best score on each
    max_score: int  # one point per question
    percent: float
    questions_done: int  # answered right, or out of tries
    questions_tried: int
    total: int
    questions: list[QuestionProgressOut]
