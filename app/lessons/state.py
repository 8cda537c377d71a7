"""Where a logged-in student left off in one lesson: quiz and dilemmas together."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.content.model import Lesson
from app.dilemmas.responses import latest_results
from app.lessons.views import LessonStateOut
from app.quiz.progress import quiz_record
from app.quiz.variants import Answerer


def lesson_state(session: Session, *, answerer: Answerer, lesson: Lesson) -> LessonStateOut:
    """Return the answerer's statuses on every question and their latest response to each
    dilemma (a guest's responses are kept nowhere)."""
    quiz = quiz_record(session, answerer=answerer, lesson=lesson)
    dilemmas = (
        {} if answerer.guest else latest_results(session, user_id=answerer.user_id, lesson=lesson)
    )
    return LessonStateOut(summary=quiz.summary, questions=quiz.questions, dilemmas=dilemmas)
