"""What students and instructors see of the quiz: per-student question views, attempt results,
dilemma outcomes, progress and class statistics, as response models shared by the JSON API and
the HTML pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.accounts.users import Account
from app.content.model import Lesson
from app.content.schema import Dilemma, EngineQuestion, OrderingQuestion, Question
from app.instructor.stats import (
    DilemmaStats,
    QuestionStats,
    class_size,
    dilemma_stats,
    question_stats,
)
from app.lessons.views import GivenOut, LessonOut, QuestionOut, question_view
from app.quiz.attempts import (
    AttemptResult,
    LessonProgress,
    LessonRecord,
    QuestionRecord,
    QuestionState,
    check_dilemma_choice,
    record_dilemma_response,
    submit_attempt,
    try_as_guest,
)
from app.quiz.grading import Answer, MalformedAnswer, engine_variant

GUEST_NOTICE = (
    "You are not logged in: your answer was graded but not saved, and your tries are not "
    "counted. Log in to keep your score."
)


class AttemptOut(BaseModel):
    """The grade of one answer. Feedback, explanation and solution exist only here."""

    correct: bool
    score: float
    feedback: list[str]
    misconceptions: list[str]
    hints: list[str]
    attempts_left: int | None
    finished: bool
    explanation: str | None
    solution: str | None
    saved: bool
    attempt: int | None
    best_score: float | None
    notice: str | None = None

    @classmethod
    def of(cls, result: AttemptResult) -> AttemptOut:
        return cls(
            correct=result.correct,
            score=result.score,
            feedback=result.feedback,
            misconceptions=result.misconceptions,
            hints=result.hints,
            attempts_left=result.attempts_left,
            finished=result.finished,
            explanation=result.explanation,
            solution=result.solution,
            saved=result.saved,
            attempt=result.attempt,
            best_score=result.best_score,
            notice=None if result.saved else GUEST_NOTICE,
        )


class TradeoffOut(BaseModel):
    id: str
    text: str
    gains: list[str]
    costs: list[str]
    chosen: bool


class DilemmaResultOut(BaseModel):
    dilemma_id: str
    title: str
    choice: str
    reason: str
    options: list[TradeoffOut]
    commentary: str
    saved: bool
    notice: str | None = None

    @classmethod
    def of(cls, dilemma: Dilemma, choice: str, reason: str, saved: bool) -> DilemmaResultOut:
        return cls(
            dilemma_id=dilemma.id,
            title=dilemma.title,
            choice=choice,
            reason=reason,
            options=[
                TradeoffOut(
                    id=o.id,
                    text=o.text,
                    gains=list(o.tradeoffs.gains),
                    costs=list(o.tradeoffs.costs),
                    chosen=o.id == choice,
                )
                for o in dilemma.options
            ],
            commentary=dilemma.commentary,
            saved=saved,
            notice=None if saved else GUEST_NOTICE,
        )


class QuestionProgressOut(BaseModel):
    id: str
    prompt: str
    tries: int
    attempts_left: int
    best_score: float
    correct: bool
    finished: bool

    @classmethod
    def of(cls, state: QuestionState) -> QuestionProgressOut:
        return cls(
            id=state.question.id,
            prompt=state.question.prompt,
            tries=state.tries,
            attempts_left=state.attempts_left,
            best_score=round(state.best, 4),
            correct=state.correct,
            finished=state.finished,
        )


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

    @classmethod
    def of(cls, record: QuestionRecord) -> QuestionStatusOut:
        state = record.state
        answer = record.last_answer
        return cls(
            tries=state.tries,
            max_attempts=state.question.attempts,
            attempts_left=state.attempts_left,
            best_score=round(state.best, 4),
            correct=state.correct,
            finished=state.finished,
            last=AttemptOut.of(record.last) if record.last else None,
            filled={} if answer is None else form_of_answer(state.question, answer),
        )


class QuizSummaryOut(BaseModel):
    done: int  # finished: answered right, or out of tries
    total: int
    score: float
    max_score: int


class LessonStateOut(BaseModel):
    """A logged-in student's standing in one lesson, question by question and dilemma by
    dilemma. Feedback and explanations appear only where they have answered."""

    summary: QuizSummaryOut
    questions: dict[str, QuestionStatusOut]
    dilemmas: dict[str, DilemmaResultOut]

    @classmethod
    def of(cls, lesson: Lesson, record: LessonRecord) -> LessonStateOut:
        p = record.progress
        dilemmas = {d.id: d for d in lesson.dilemmas}
        return cls(
            summary=QuizSummaryOut(
                done=p.questions_done, total=p.total, score=p.score, max_score=p.max_score
            ),
            questions={qid: QuestionStatusOut.of(r) for qid, r in record.questions.items()},
            dilemmas={
                did: DilemmaResultOut.of(dilemmas[did], choice, reason, saved=True)
                for did, (choice, reason) in record.dilemmas.items()
                if did in dilemmas
            },
        )


class LessonProgressOut(BaseModel):
    slug: str
    title: str
    score: float
    max_score: int
    percent: float
    questions_done: int
    questions_tried: int
    total: int
    questions: list[QuestionProgressOut]

    @classmethod
    def of(cls, p: LessonProgress) -> LessonProgressOut:
        return cls(
            slug=p.slug,
            title=p.title,
            score=p.score,
            max_score=p.max_score,
            percent=round(100 * p.score / p.max_score, 1) if p.max_score else 0.0,
            questions_done=p.questions_done,
            questions_tried=p.questions_tried,
            total=p.total,
            questions=[QuestionProgressOut.of(s) for s in p.questions],
        )


class WrongAnswerOut(BaseModel):
    answer: str
    count: int
    misconceptions: list[str]


# How each question type is named to people (the `type` field keeps the quiz.yaml name).
TYPE_LABELS = {
    "single": "single choice",
    "multiple": "multiple select",
    "true_false": "true/false",
    "numeric": "number",
    "ordering": "ordering",
    "text": "short text",
    "engine": "own numbers",
}


class QuestionStatsOut(BaseModel):
    id: str
    prompt: str
    type: str
    type_label: str  # e.g. "single choice"
    version: str
    attempts: int
    students: int
    percent_correct: float
    first_try_correct: float
    mean_score: float
    common_wrong: list[WrongAnswerOut]

    @classmethod
    def of(cls, s: QuestionStats) -> QuestionStatsOut:
        return cls(
            id=s.question_id,
            prompt=s.prompt,
            type=s.type,
            type_label=TYPE_LABELS.get(s.type, s.type.replace("_", " ")),
            version=s.version,
            attempts=s.attempts,
            students=s.students,
            percent_correct=s.percent_correct,
            first_try_correct=s.first_try_correct,
            mean_score=s.mean_score,
            common_wrong=[
                WrongAnswerOut(answer=w.answer, count=w.count, misconceptions=w.misconceptions)
                for w in s.common_wrong
            ],
        )


class ChoiceCountOut(BaseModel):
    text: str
    count: int
    percent: float  # of the students who responded


class ReasonOut(BaseModel):
    choice: str  # the option's text
    text: str


class DilemmaStatsOut(BaseModel):
    id: str
    title: str
    students: int
    choices: list[ChoiceCountOut]
    changed_mind: int  # students whose latest choice differs from their first
    reasons: list[ReasonOut]  # the latest few written reasons, newest first
    reason_count: int  # students whose latest response gives a reason

    @classmethod
    def of(cls, d: DilemmaStats) -> DilemmaStatsOut:
        whole = d.students
        return cls(
            id=d.dilemma_id,
            title=d.title,
            students=whole,
            choices=[
                ChoiceCountOut(text=t, count=n, percent=round(100 * n / whole, 1) if whole else 0)
                for t, n in d.choices
            ],
            changed_mind=d.changed_mind,
            reasons=[ReasonOut(choice=r.choice, text=r.text) for r in d.reasons],
            reason_count=d.reason_count,
        )


class LessonStatsOut(BaseModel):
    slug: str
    title: str
    students: int  # who answered anything in the lesson: a question or a dilemma
    questions: list[QuestionStatsOut]
    dilemmas: list[DilemmaStatsOut]

    @classmethod
    def of(
        cls,
        lesson: Lesson,
        questions: list[QuestionStats],
        dilemmas: list[DilemmaStats],
        students: int = 0,
    ) -> LessonStatsOut:
        return cls(
            slug=lesson.slug,
            title=lesson.title,
            students=students,
            questions=[QuestionStatsOut.of(q) for q in questions],
            dilemmas=[DilemmaStatsOut.of(d) for d in dilemmas],
        )


def lesson_stats(session: Session, *, lesson: Lesson) -> LessonStatsOut:
    """Return the class statistics of one lesson (for instructors)."""
    return LessonStatsOut.of(
        lesson,
        question_stats(session, lesson=lesson),
        dilemma_stats(session, lesson=lesson),
        class_size(session, lesson=lesson),
    )


# --- per-student question views ---------------------------------------------------------------


def personal_question(question: Question, variant_key: str) -> QuestionOut:
    """Return the student's view of a question with their own numbers filled in."""
    view = question_view(question)
    if isinstance(question, EngineQuestion):
        given = engine_variant(question, variant_key).given()
        view = view.model_copy(update={"given": [GivenOut(name=n, rows=r) for n, r in given]})
    return view


def personal_lesson(view: LessonOut, lesson: Lesson, variant_key: str) -> LessonOut:
    """Return the lesson view with every engine question's numbers made for this student."""
    questions = {q.id: q for q in lesson.questions}
    quiz = [
        personal_question(questions[q.id], variant_key) if q.type == "engine" else q
        for q in view.quiz
    ]
    return view.model_copy(update={"quiz": quiz})


# --- HTML form answers ------------------------------------------------------------------------

FormValues = Mapping[str, Sequence[str]]


def answer_from_form(question: Question, form: FormValues) -> object:
    """Return the JSON-shaped answer that an HTML quiz form stands for.

    The form posts `answer` (once, or once per ticked box / hidden unit) and, for ordering,
    one `position-<item id>` select per item."""
    values = list(form.get("answer", []))
    if isinstance(question, OrderingQuestion):
        positions: dict[str, int] = {}
        for item in question.items:
            raw = (form.get(f"position-{item.id}") or [""])[0]
            if not raw.isdigit():
                raise MalformedAnswer("Give every step a position.")
            positions[item.id] = int(raw)
        if sorted(positions.values()) != list(range(1, len(question.items) + 1)):
            raise MalformedAnswer("Give each step a different position, from 1 up.")
        return sorted(positions, key=positions.__getitem__)
    if question.type in ("multiple", "engine"):
        return values
    if not values:
        raise MalformedAnswer("Give an answer first.")
    return values[0]


def form_of_answer(question: Question, answer: Answer) -> dict[str, list[str]]:
    """Return the form fields that post `answer` (normal form): the inverse of
    `answer_from_form`, used to show a student the answer they last gave."""
    if isinstance(question, OrderingQuestion):
        assert isinstance(answer, list)
        return {f"position-{item}": [str(i)] for i, item in enumerate(answer, 1)}
    if isinstance(answer, bool):
        return {"answer": ["true" if answer else "false"]}
    if isinstance(answer, float):
        return {"answer": [f"{answer:g}"]}
    if isinstance(answer, list):
        return {"answer": [f"{v:g}" if isinstance(v, float) else str(v) for v in answer]}
    return {"answer": [answer]}


def answer_question(
    session: Session, *, user: Account | None, lesson_slug: str, question: Question, raw: object,
    guest_try: int = 1,
) -> AttemptOut:  # fmt: skip
    """Return the grade of `raw`, stored for a logged-in student; raise MalformedAnswer (no
    try used) or OutOfAttempts. `guest_try` is a guest's try number, counted by their page."""
    if user is None:
        return AttemptOut.of(try_as_guest(question, raw, number=guest_try))
    result = submit_attempt(
        session, user_id=user.id, lesson_slug=lesson_slug, question=question, raw_answer=raw
    )
    return AttemptOut.of(result)


def respond_to_dilemma(
    session: Session, *, user: Account | None, lesson_slug: str, dilemma: Dilemma,
    choice: object, reason: object,
) -> DilemmaResultOut:  # fmt: skip
    """Return every option's trade-offs and the commentary, storing a student's response;
    raise ValueError when the choice is not one of the options."""
    choice, reason = check_dilemma_choice(dilemma, choice, reason)
    if user is not None:
        record_dilemma_response(
            session, user_id=user.id, lesson_slug=lesson_slug, dilemma_id=dilemma.id,
            choice=choice, reason=reason,
        )  # fmt: skip
    return DilemmaResultOut.of(dilemma, choice, reason, saved=user is not None)
