"""Where a logged-in student left off in one lesson: quiz and dilemmas together."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.dilemmas.responses import latest_results
from app.lessons.views import LessonStateOut
from app.quiz.progress import quiz_record


def lesson_state(session: Session, *, user_id: int, lesson: Lesson) -> LessonStateOut:
    """Return the student's statuses on every question and latest response per dilemma."""
    quiz = quiz_record(session, user_id=user_id, lesson=lesson)
    return LessonStateOut(
        summary=quiz.summary,
        questions=quiz.questions,
        dilemmas=latest_results(session, user_id=user_id, lesson=lesson),
    )
