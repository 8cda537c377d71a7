"""The gradebook, students' records and the CSV exports: instructors see every student's,
a student only their own (/me/record: no route takes a student's id but the instructor's)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from app.instructor.coursebook import course_gradebook
from app.instructor.export import (
    What,
    filename,
    stream_course_csv,
    stream_lesson_csv,
    stream_record_csv,
)
from app.instructor.gradebook import SortKey, SortOrder, gradebook
from app.instructor.records import find_student, student_record
from app.web.deps import (
    CurrentUser,
    DatabaseDep,
    Instructor,
    LessonDep,
    LessonsDep,
    RowId,
    SessionDep,
    TemplatesDep,
    get_optional_user,
)
from app.web.pages import CourseGradebookPage, GradebookPage, RecordPage

router = APIRouter(include_in_schema=False, dependencies=[Depends(get_optional_user)])

CSV = "text/csv; charset=utf-8"


def csv_download(chunks: Iterator[str], name: str) -> StreamingResponse:
    return StreamingResponse(
        chunks,
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/instructor/gradebook", response_class=HTMLResponse)
def course_gradebook_page(
    request: Request,
    _: Instructor,
    lessons: LessonsDep,
    session: SessionDep,
    templates: TemplatesDep,
    sort: SortKey = "name",
    order: SortOrder = "asc",
) -> HTMLResponse:
    course = lessons.ordered()
    page = CourseGradebookPage(
        lessons=[(lesson.slug, lesson.title) for lesson in course],
        rows=course_gradebook(session, course=course, key=sort, order=order),
        sort=sort,
        order=order,
    )
    return templates.TemplateResponse(request, "records/course_gradebook.html", {"page": page})


@router.get("/instructor/export/course-gradebook.csv")
def export_course_gradebook(
    _: Instructor, lessons: LessonsDep, database: DatabaseDep
) -> StreamingResponse:
    chunks = stream_course_csv(database, course=lessons.ordered())
    return csv_download(chunks, filename("course", "gradebook"))


@router.get("/instructor/lessons/{slug}/gradebook", response_class=HTMLResponse)
def gradebook_page(
    request: Request,
    _: Instructor,
    lesson: LessonDep,
    session: SessionDep,
    templates: TemplatesDep,
    sort: SortKey = "name",
    order: SortOrder = "asc",
) -> HTMLResponse:
    page = GradebookPage(
        lesson_slug=lesson.slug,
        lesson_title=lesson.title,
        questions=[(q.id, q.prompt) for q in lesson.questions],
        rows=gradebook(session, lesson=lesson, key=sort, order=order),
        sort=sort,
        order=order,
    )
    return templates.TemplateResponse(request, "records/gradebook.html", {"page": page})


def lesson_export(
    what: What, lesson: LessonDep, lessons: LessonsDep, database: DatabaseDep
) -> StreamingResponse:
    chunks = stream_lesson_csv(database, what=what, lesson=lesson, lessons=lessons.lessons)
    return csv_download(chunks, filename(lesson.slug, what))


@router.get("/instructor/lessons/{slug}/export/gradebook.csv")
def export_gradebook(
    _: Instructor, lesson: LessonDep, lessons: LessonsDep, database: DatabaseDep
) -> StreamingResponse:
    return lesson_export("gradebook", lesson, lessons, database)


@router.get("/instructor/lessons/{slug}/export/attempts.csv")
def export_attempts(
    _: Instructor, lesson: LessonDep, lessons: LessonsDep, database: DatabaseDep
) -> StreamingResponse:
    return lesson_export("attempts", lesson, lessons, database)


@router.get("/instructor/lessons/{slug}/export/dilemmas.csv")
def export_dilemmas(
    _: Instructor, lesson: LessonDep, lessons: LessonsDep, database: DatabaseDep
) -> StreamingResponse:
    return lesson_export("dilemmas", lesson, lessons, database)


@router.get("/instructor/students/{user_id}", response_class=HTMLResponse)
def student_record_page(
    request: Request,
    _: Instructor,
    user_id: RowId,
    lessons: LessonsDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    found = find_student(session, user_id=user_id)
    if found is None:
        raise HTTPException(status_code=404, detail="There is no student with that number.")
    record = student_record(session, user_id=found[0], username=found[1], lessons=lessons.ordered())
    page = RecordPage(record=record, own=False)
    return templates.TemplateResponse(request, "records/record.html", {"page": page})


@router.get("/me/record", response_class=HTMLResponse)
def my_record_page(
    request: Request,
    user: CurrentUser,
    lessons: LessonsDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    record = student_record(
        session, user_id=user.id, username=user.username, lessons=lessons.ordered()
    )
    page = RecordPage(record=record, own=True)
    return templates.TemplateResponse(request, "records/record.html", {"page": page})


@router.get("/me/record.csv")
def my_record_csv(
    user: CurrentUser, lessons: LessonsDep, database: DatabaseDep
) -> StreamingResponse:
    chunks = stream_record_csv(database, user_id=user.id, lessons=lessons.lessons)
    return csv_download(chunks, filename(user.username, "record"))
