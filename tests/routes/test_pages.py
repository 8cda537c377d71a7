"""Server-rendered pages, checked by parsing the HTML and by their template context."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.web.pages import IndexPage, LessonPage, StatusPage
from tests.conftest import log_in_instructor


def soup_of(client: TestClient, url: str, status: int = 200) -> BeautifulSoup:
    r = client.get(url)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    return BeautifulSoup(r.text, "html.parser")


def test_index_lists_every_lesson_with_a_link(client: TestClient) -> None:
    r = client.get("/")
    page = r.context["page"]  # type: ignore[attr-defined]
    assert isinstance(page, IndexPage)
    assert [lesson.slug for lesson in page.lessons][:1] == ["rnn"]
    soup = BeautifulSoup(r.text, "html.parser")
    links = {a["href"]: a.get_text() for a in soup.select(".lesson-list h2 a")}
    assert links["/lessons/rnn-lesson"] == "RNN Lesson"
    assert set(links) == {f"/lessons/{lesson.slug}" for lesson in page.lessons}


def test_page_has_landmarks_and_one_h1(mini_client: TestClient) -> None:
    soup = soup_of(mini_client, "/lessons/mini")
    assert soup.find("html")["lang"] == "en"
    assert soup.find("meta", attrs={"name": "viewport"}) is not None
    for landmark in ("header", "main", "footer"):
        assert len(soup.find_all(landmark)) >= 1, landmark
    assert soup.find("nav", attrs={"aria-label": "Lesson contents"}) is not None
    assert [h.get_text() for h in soup.find_all("h1")] == ["Mini lesson"]


def test_lesson_page_shows_every_section_in_order(mini_client: TestClient) -> None:
    r = mini_client.get("/lessons/mini")
    page = r.context["page"]  # type: ignore[attr-defined]
    assert isinstance(page, LessonPage) and page.lesson.slug == "mini"
    soup = BeautifulSoup(r.text, "html.parser")
    sections = soup.select("main article > section")
    assert [s["id"] for s in sections] == ["answer", "how-it-works", "quiz", "dilemmas"]
    assert [s.find("h2").get_text() for s in sections] == [
        "The answer",
        "How it works",
        "Check yourself",
        "Dilemmas",
    ]
    toc = [a["href"] for a in soup.select("nav.toc a")]
    assert toc == ["#answer", "#how-it-works", "#quiz", "#dilemmas"]
    assert sections[0].find("math") is not None
    assert sections[1].find("div", attrs={"data-widget": "rnn-stepper"}) is not None
    listen = soup.find(class_="listen")
    assert isinstance(listen, Tag) and listen["data-narrated"] == "answer"


def test_quiz_questions_are_visible_with_their_options(mini_client: TestClient) -> None:
    soup = soup_of(mini_client, "/lessons/mini")
    forms = soup.select("#quiz form.question")
    assert [f["data-question"] for f in forms] == ["memory", "params", "steps", "tf"]
    memory = forms[0]
    assert "What carries memory between steps?" in memory.find("legend").get_text()
    radios = memory.find_all("input", attrs={"type": "radio", "name": "answer"})
    assert [r["value"] for r in radios] == ["hidden", "weights"]
    assert forms[1].find("input", attrs={"name": "answer", "inputmode": "decimal"}) is not None
    steps = forms[2].find_all("select")
    assert len(steps) == 3
    answers = forms[3].select("label:has(input[name=answer])")
    assert [o.get_text() for o in answers] == [" True", " False"]
    dilemma = soup.select_one("#dilemmas form.dilemma")
    assert dilemma.find("h3").get_text() == "Reviews on a phone"
    assert [r["value"] for r in dilemma.find_all("input", attrs={"name": "choice"})] == [
        "rnn",
        "lstm",
    ]
    assert dilemma.find("textarea", attrs={"name": "reason"}) is not None
    sure = dilemma.select_one("fieldset.confidence")
    assert sure is not None and sure.legend.get_text(" ", strip=True).startswith(
        "How sure are you?"
    )
    assert [r["value"] for r in sure.find_all("input", attrs={"name": "confidence"})] == list(
        "12345"
    )


def test_empty_seed_sections_say_coming_soon(client: TestClient) -> None:
    soup = soup_of(client, "/lessons/rnn-lesson")
    for sid in ("quiz", "dilemmas"):
        section = soup.find("section", id=sid)
        assert section.find(class_="coming-soon").get_text() == "Coming soon."
    assert soup.find("section", id="analogy").find(class_="coming-soon") is None


def test_a_seed_lesson_keeps_its_call_to_action_and_can_be_listened_to(client: TestClient) -> None:
    soup = soup_of(client, "/lessons/rnn-lesson")
    header = soup.find("header", class_="lesson-header")
    assert header is not None
    assert header.find("p", class_="invitation").get_text() == "Listen to the answer"
    player = soup.find(class_="listen")
    assert player is not None and player["data-narrated"] == "answer"
    assert client.get("/api/lessons/rnn-lesson").json()["invitation"] == "Listen to the answer"


def test_user_text_is_escaped_in_pages(make_lesson, settings) -> None:  # type: ignore[no-untyped-def]
    from app.main import create_app

    md = '---\ntitle: "<script>alert(1)</script>"\nslug: x\nsummary: "<b>bold</b>"\n---\n## A\n'
    make_lesson(root=settings.lessons_dir, name="x", lesson_md=md, quiz=None, dilemmas=None)
    with TestClient(create_app(settings)) as client:
        soup = soup_of(client, "/lessons/x")
        index = soup_of(client, "/")
    assert soup.find("script", string="alert(1)") is None
    assert soup.find("h1").get_text() == "<script>alert(1)</script>"
    assert index.find("b") is None


def test_unknown_lesson_page_is_a_404_page(client: TestClient) -> None:
    soup = soup_of(client, "/lessons/nope", status=404)
    assert soup.find("h1").get_text() == "Page not found"
    assert "No lesson called 'nope'." in soup.find("main").get_text()


def test_status_page_lists_problems_with_file_and_line(
    make_lesson: Callable[..., Path], settings: Settings
) -> None:
    make_lesson(root=settings.lessons_dir, quiz="questions:\n  - id: [\n")
    app = create_app(settings)
    with TestClient(app) as client:
        guest = BeautifulSoup(client.get("/").text, "html.parser")
        assert guest.find(class_="notice") is None  # problems are for instructors
        assert client.get("/status", follow_redirects=False).status_code == 303
        log_in_instructor(client, app)
        r = client.get("/status")
        page = r.context["page"]  # type: ignore[attr-defined]
        assert isinstance(page, StatusPage)
        assert [str(p) for p in page.problems] == [
            "lessons/mini/quiz.yaml:3: YAML syntax: "
            "expected the node content, but found '<stream end>'"
        ]
        items = BeautifulSoup(r.text, "html.parser").select(".problem-list code")
        assert [c.get_text() for c in items] == [str(p) for p in page.problems]
        # the broken lesson is not served (it never loaded), the others are
        assert client.get("/lessons/mini").status_code == 404
        assert client.get("/lessons/rnn").status_code == 200
        notice = BeautifulSoup(client.get("/").text, "html.parser").find(class_="notice")
        assert "1 problem in lesson files" in notice.get_text()


def test_status_page_says_all_is_well(instructor_client: TestClient) -> None:
    soup = soup_of(instructor_client, "/status")
    assert soup.find(class_="ok").get_text() == "Every lesson file is valid."


def test_instructors_see_a_broken_edit_on_the_lesson_page_students_do_not(
    make_lesson: Callable[..., Path], settings: Settings
) -> None:
    folder = make_lesson(root=settings.lessons_dir)
    app = create_app(settings)
    with TestClient(app) as guest, TestClient(app) as teacher:
        log_in_instructor(teacher, app)
        (folder / "quiz.yaml").write_text("questions:\n  - id: [\n")
        app.state.lessons.reload()  # what the file watcher does on save
        problems = BeautifulSoup(teacher.get("/lessons/mini").text, "html.parser")
        aside = problems.find("aside", class_="problems")
        assert aside is not None
        assert [li.get_text() for li in aside.find_all("li")] == [
            "lessons/mini/quiz.yaml:3: YAML syntax: "
            "expected the node content, but found '<stream end>'"
        ]
        student_view = BeautifulSoup(guest.get("/lessons/mini").text, "html.parser")
        assert student_view.find("aside", class_="problems") is None
        # both still get the last good version, quiz included
        assert len(student_view.select("#quiz form.question")) == 4


def test_an_unknown_address_gets_a_plain_404_page(client: TestClient) -> None:
    soup = soup_of(client, "/no/such/page", status=404)
    assert soup.find("h1").get_text() == "Page not found"
    assert soup.find("main").find("p").get_text() == "There is no page at this address."


def test_a_finished_ordering_question_shows_the_students_order_as_a_list(
    quiz_client: TestClient,
) -> None:
    from db_fixtures import WRONG_ANSWERS, attempt, register

    register(quiz_client, "ada")
    page = soup_of(quiz_client, "/lessons/quizzy")
    assert len(page.select("form#q-order select")) == 3  # open: one position select per item
    for _ in range(3):  # out of tries with the order reversed
        assert attempt(quiz_client, "order", WRONG_ANSWERS["order"]).status_code == 200
    form = soup_of(quiz_client, "/lessons/quizzy").select_one("form#q-order")
    assert form is not None and form.select("select") == []
    shown = [li.get_text() for li in form.select("ol.ordering-done li")]
    assert shown == ["Apply tanh", "Add the recurrent term", "Project the input"]
