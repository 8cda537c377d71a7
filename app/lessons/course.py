"""The course: the lessons in their order, where a lesson stands in it, and a student's
progress through it."""

from __future__ import annotations

from pydantic import BaseModel

from app.content.model import Lesson
from app.quiz.results import LessonProgressOut


class LessonLinkOut(BaseModel):
    number: int  # the lesson's place in the course, from 1
    slug: str
    title: str


class CourseNavOut(BaseModel):
    """Where one lesson stands in the course: "Lesson 2 of 4", and its neighbours."""

    number: int
    total: int
    previous: LessonLinkOut | None
    next: LessonLinkOut | None


class CourseLessonOut(BaseModel):
    """A line of the course page: a lesson, and the student's progress in it (None for a
    guest, whose answers are kept nowhere to add up)."""

    number: int
    slug: str
    title: str
    summary: str
    progress: LessonProgressOut | None = None

    @property
    def status(self) -> str:
        """Return "Not started", "In progress" or "Done" for the student's quiz in it."""
        p = self.progress
        if p is None or not p.questions_tried:
            return "Not started"
        return "Done" if p.questions_done == p.total else "In progress"


def _link(lessons: list[Lesson], i: int) -> LessonLinkOut | None:
    if not 0 <= i < len(lessons):
        return None
    return LessonLinkOut(number=i + 1, slug=lessons[i].slug, title=lessons[i].title)


def course_nav(course: list[Lesson], slug: str) -> CourseNavOut | None:
    """Return the lesson's place in the course (ordered lessons), or None if it is not in it."""
    slugs = [lesson.slug for lesson in course]
    if slug not in slugs:
        return None
    i = slugs.index(slug)
    return CourseNavOut(
        number=i + 1, total=len(course), previous=_link(course, i - 1), next=_link(course, i + 1)
    )


def course_lessons(
    course: list[Lesson], progress: list[LessonProgressOut] | None
) -> list[CourseLessonOut]:
    """Return the course page's lessons in order, each with the student's progress if known."""
    by_slug = {p.slug: p for p in progress or []}
    return [
        CourseLessonOut(
            number=i,
            slug=lesson.slug,
            title=lesson.title,
            summary=lesson.summary,
            progress=by_slug.get(lesson.slug),
        )
        for i, lesson in enumerate(course, start=1)
    ]
