"""axe-core on every page, in every widget state, light and dark, laptop and phone.

axe-core (tests/browser/vendor, pinned, MPL-2.0) runs inside the page after each state is
reached; any violation of any impact fails, with the rule, the elements and axe's advice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from db_fixtures import PASSWORD, running_server
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from app.accounts.users import create_user
from app.config import PROJECT_ROOT
from app.db.database import Database
from app.db.models import DilemmaResponse, User, utcnow
from tests.browser.test_listen import FAKE_SPEECH
from tests.browser.test_stepper import BASIC, TRAIN, VANISH, VARIANTS

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text()
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""

# (width, colour scheme): a laptop and the narrowest phone, each light and dark. The style
# sheets change layout at 480 and 760 px only: a 375 px phone gets the 320 px one's rules with
# more room, so the narrowest stands for both.
UNITS = "#one-unit-unit-activations-1"  # the generation lesson's unit viewer
VIEWS = [(1280, "light"), (1280, "dark"), (320, "light"), (320, "dark")]


def violations(page: Page) -> list[dict[str, Any]]:
    """Return axe's violations on the page as it is now."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)  # evaluated, not a <script>: the page's CSP stays as served
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


def check(page: Page, state: str, failures: list[str]) -> None:
    """Run axe and add one readable line per violation to `failures`; the page itself must
    not scroll sideways (wide tables and widgets scroll inside their own regions)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        failures.append(f"{state}: the page scrolls sideways by {overflow} px")
    for v in violations(page):
        nodes = "\n      ".join(v["nodes"])
        failures.append(f"{state}: {v['rule']} ({v['impact']}) {v['help']}\n      {nodes}")


@pytest.fixture(params=VIEWS, ids=[f"{w}-{s}" for w, s in VIEWS])
def view_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    width, scheme = request.param
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, reduced_motion="reduce"
    )
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def class_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real lessons, a student who has answered, and an instructor."""
    data = tmp_path_factory.mktemp("a11y")
    url = f"sqlite:///{data / 'a11y.db'}"
    with running_server(PROJECT_ROOT / "lessons", url, data) as base:
        with httpx.Client(base_url=base, timeout=30) as student:
            student.headers["X-CSRFToken"] = student.get("/api/auth/csrf").json()["csrf_token"]
            body = {"username": "ada", "password": PASSWORD}
            assert student.post("/api/auth/register", json=body).status_code == 201
            student.headers["X-CSRFToken"] = student.cookies["csrftoken"]  # rotated at login
            for answer, confidence in (("weights", 4), ("hidden", 3)):
                r = student.post(
                    "/api/lessons/rnn/quiz/rnn-memory/attempts",
                    json={"answer": answer, "confidence": confidence},
                )
                assert r.status_code == 200
            r = student.post(
                "/api/lessons/rnn-gated/dilemmas/phone-reviews/responses",
                json={
                    "choice": "gru",
                    "reason": "Fewer gates, <b>fewer</b> parameters.",
                    "confidence": 4,
                },
            )
            assert r.status_code == 200
        for name, choice in (("bob", "lstm"), ("carl", "plain-rnn")):  # a class of three
            with httpx.Client(base_url=base, timeout=30) as peer:
                peer.headers["X-CSRFToken"] = peer.get("/api/auth/csrf").json()["csrf_token"]
                body = {"username": name, "password": PASSWORD}
                assert peer.post("/api/auth/register", json=body).status_code == 201
                peer.headers["X-CSRFToken"] = peer.cookies["csrftoken"]
                r = peer.post(
                    "/api/lessons/rnn-gated/dilemmas/phone-reviews/responses",
                    json={"choice": choice, "reason": f"{name}'s reason.", "confidence": 2},
                )
                assert r.status_code == 200, r.text
        db = Database.from_url(url)
        with db.session(write=True) as session:
            create_user(session, username="teach", password=PASSWORD, role="instructor")
            carl = session.scalar(select(User.id).where(User.username == "carl"))
            session.execute(
                update(DilemmaResponse)
                .where(DilemmaResponse.user_id == carl)
                .values(hidden_at=utcnow())  # moderated: marked on the discussion page
            )
            session.commit()
        db.dispose()
        yield base


def log_in(page: Page, base: str, username: str, then: str) -> None:
    page.goto(f"{base}/login?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}{then}")
    # The URL changes when the navigation commits, before the new page has a body: a script
    # run at once could find `document.body` null (as test_text_zoom did once under load).
    page.wait_for_load_state("load")


def wait_for_widgets(page: Page, *widgets: str) -> None:
    """Scroll each widget into view (they load when seen) and wait for its numbers."""
    for widget in widgets or (BASIC,):
        page.locator(widget).scroll_into_view_if_needed()
        cell = page.locator(widget).locator('[data-row="h"] .st-cell[data-value]').first
        expect(cell).to_be_attached(timeout=30_000)


def test_public_pages(view_page: Page, class_server: str) -> None:
    page, failures = view_page, []
    paths = ("/", "/login", "/register", "/reset", "/status", "/lessons/no-such-lesson")
    for path in (*paths, "/me/progress"):
        page.goto(f"{class_server}{path}")
        check(page, path, failures)
    page.goto(f"{class_server}/lessons/rnn")
    wait_for_widgets(page)
    check(page, "lesson 1, widgets loaded", failures)
    page.goto(f"{class_server}/lessons/rnn-generation")  # lessons 2 and 3: with their widgets
    check(page, "lesson 4", failures)
    assert failures == [], "\n".join(failures)


def test_the_api_docs(view_page: Page, class_server: str) -> None:
    page, failures = view_page, []
    page.goto(f"{class_server}/docs")
    operation = page.locator(".opblock").first
    expect(operation).to_be_visible(timeout=30_000)
    check(page, "API docs", failures)
    operation.locator(".opblock-summary-control").click()
    expect(operation.locator(".opblock-body")).to_be_visible()
    check(page, "API docs, an operation open", failures)
    assert failures == [], "\n".join(failures)


def test_lesson_widgets_in_their_states(view_page: Page, class_server: str) -> None:
    page, failures = view_page, []
    page.add_init_script("window.__speechConfig = {};")  # a scripted voice: Listen can play
    page.add_init_script(FAKE_SPEECH)
    page.goto(f"{class_server}/lessons/rnn-training")
    wait_for_widgets(page, VANISH)
    check(page, "lesson 2, widgets loaded", failures)

    vanish = page.locator(VANISH)
    vanish.scroll_into_view_if_needed()
    vanish.locator(".st-stage").focus()
    page.keyboard.press("Home")
    vanish.locator(".st-play").click()
    expect(vanish.locator(".st-play")).to_have_attribute("aria-label", "Pause")
    check(page, "parade playing", failures)
    vanish.locator(".st-play").click()

    page.goto(f"{class_server}/lessons/rnn")
    wait_for_widgets(page, BASIC)
    basic = page.locator(BASIC)
    basic.locator(".st-fork summary").click()
    expect(basic.locator(".st-fork-form")).to_be_visible()
    check(page, "fork open", failures)
    basic.locator(".st-options label", has_text="Predict").click()
    expect(basic.locator(".st-q")).to_contain_text("rise or fall?")
    check(page, "predict: a question asked", failures)
    basic.locator(".st-q-buttons button").first.click()
    expect(basic.locator(".st-verdict")).to_be_visible()
    check(page, "predict: the verdict", failures)

    listen = page.locator(".listen")
    listen.get_by_role("button", name="Listen", exact=True).click()
    expect(page.locator(".listen-now").first).to_be_visible()
    check(page, "Listen playing, a sentence highlighted", failures)
    listen.get_by_role("button", name="Pause", exact=True).click()

    question = page.locator("form#q-rnn-memory[data-enhanced]")
    for option in ("weights", "hidden"):  # wrong, then right: finished
        question.locator(f"input[name=answer][value={option}]").check()
        question.get_by_role("button", name="Check answer").click()
        expect(question.locator(".feedback")).to_be_focused()
    expect(question.get_by_role("button", name="Check answer")).to_have_count(0)
    check(page, "section check finished (guest)", failures)

    page.goto(f"{class_server}/lessons/rnn-gated")
    wait_for_widgets(page, VARIANTS)
    check(page, "lesson 3, widgets loaded", failures)
    train = page.locator(TRAIN)
    train.scroll_into_view_if_needed()
    steps = train.locator(".st-train .st-field", has_text="Training steps").locator("input")
    steps.fill("60")
    steps.press("Tab")
    train.locator(".st-train-actions button", has_text="Train").click()
    expect(train.locator(".st-train-status")).to_contain_text("Finished", timeout=60_000)
    check(page, "train view after a run", failures)

    dilemma = page.locator("form#d-phone-reviews[data-enhanced]")
    dilemma.locator("input[name=choice]").first.check()
    dilemma.get_by_label("Why?").fill("Small and fast enough on a phone.")
    dilemma.get_by_role("button", name="Commit to this choice").click()
    expect(dilemma.locator(".commentary")).to_be_visible()
    check(page, "dilemma answered (guest)", failures)
    assert failures == [], "\n".join(failures)


def test_unit_viewer_in_its_states(view_page: Page, class_server: str) -> None:
    page, failures = view_page, []
    page.goto(f"{class_server}/lessons/rnn-generation")
    root = page.locator(UNITS)
    root.scroll_into_view_if_needed()
    expect(root.locator(".units-char").first).to_be_attached(timeout=30_000)
    check(page, "unit viewer loaded", failures)
    root.locator(".units-table summary").click()
    root.get_by_role("button", name="Let the network write").click()
    expect(root.locator(".units-written")).to_have_count(1, timeout=15_000)
    check(page, "unit viewer: table open, the network wrote", failures)
    root.get_by_label("Your text").fill("caf\u00e9 \u2211")  # characters it cannot read
    expect(root.locator(".units-status")).to_contain_text("Left out", timeout=15_000)
    check(page, "unit viewer: characters left out", failures)
    assert failures == [], "\n".join(failures)


def test_table_mode(view_page: Page, class_server: str) -> None:
    page, failures = view_page, []
    key = VARIANTS.lstrip("#")
    page.goto(f"{class_server}/lessons/rnn-gated?{key}.view=stepper&{key}.table=1")
    root = page.locator(VARIANTS)
    expect(root.locator(".st-table-wrap .st-table")).to_be_visible(timeout=30_000)
    check(page, "numbers table", failures)
    assert failures == [], "\n".join(failures)


def test_irnn_states(view_page: Page, class_server: str) -> None:
    # the Train view with the IRNN start picked (from a link), then the trained IRNN in the
    # stepper with its relu equation and the fork's ReLU-ranged slider open
    page, failures = view_page, []
    key = TRAIN.lstrip("#")
    query = "&".join(
        f"{key}.{k}={v}"
        for k, v in {"view": "train", "task": "next_char", "init": "irnn", "lr": 0.001}.items()
    )
    page.goto(f"{class_server}/lessons/rnn-gated?{query}")
    train = page.locator(TRAIN)
    train.scroll_into_view_if_needed()
    init = train.get_by_label("Starting W_hh", exact=True)
    expect(init).to_have_value("irnn", timeout=30_000)
    check(page, "train view, IRNN picked", failures)
    steps = train.get_by_label("Training steps", exact=True)
    steps.fill("20")
    steps.press("Tab")
    train.locator(".st-train-actions button", has_text="Train").click()
    train.locator(".st-kept button", has_text="Open this network").click(timeout=60_000)
    expect(train.locator(".st-stage")).to_have_attribute("data-nonlinearity", "relu")
    if not train.locator(".st-eq").evaluate("d => d.open"):  # folded on a phone
        train.locator(".st-eq > summary").click()
    expect(train.locator(".eq-check.ok")).to_be_visible(timeout=10_000)
    train.locator(".st-fork summary").click()
    expect(train.locator(".st-fork-form")).to_be_visible()
    check(page, "a trained IRNN in the stepper, equation and fork open", failures)
    assert failures == [], "\n".join(failures)


def test_student_pages(view_page: Page, class_server: str) -> None:
    page, failures = view_page, []
    log_in(page, class_server, "ada", "/me/progress")
    check(page, "my progress", failures)
    page.goto(f"{class_server}/")
    check(page, "the course page with progress", failures)
    page.goto(f"{class_server}/me/record")
    check(page, "my record", failures)
    page.goto(f"{class_server}/account")
    check(page, "my account", failures)
    page.goto(f"{class_server}/lessons/rnn")
    wait_for_widgets(page)
    check(page, "lesson as a student who has answered", failures)
    page.goto(f"{class_server}/lessons/rnn-gated#d-phone-reviews")
    dilemma = page.locator("#d-phone-reviews")
    dilemma.scroll_into_view_if_needed()
    expect(dilemma.locator(".peer-reasons li").first).to_be_visible()
    check(page, "a dilemma answered: the class's split and peers' reasons", failures)
    response = page.goto(f"{class_server}/instructor")
    assert response is not None and response.status == 403
    check(page, "refused (403)", failures)
    assert failures == [], "\n".join(failures)


def test_instructor_pages(view_page: Page, class_server: str) -> None:
    page, failures = view_page, []
    log_in(page, class_server, "teach", "/instructor")
    check(page, "class overview", failures)
    for path in ("items", "gradebook", "dilemmas"):
        page.goto(f"{class_server}/instructor/lessons/rnn/{path}")
        check(page, f"lesson {path}", failures)
    page.goto(f"{class_server}/instructor/gradebook")
    check(page, "course gradebook", failures)
    page.goto(f"{class_server}/instructor/lessons/rnn-gated/dilemmas")
    expect(page.locator(".hidden-reason")).to_have_count(1)
    check(page, "discussion with a hidden reason", failures)
    page.goto(f"{class_server}/instructor/lessons/rnn/gradebook")
    page.get_by_role("link", name="ada").first.click()
    expect(page.locator("h1")).to_contain_text("ada")
    page.wait_for_load_state("load")  # its stylesheets too: an unstyled table is wider
    check(page, "a student's record", failures)
    page.goto(f"{class_server}/account")
    check(page, "instructor's account (reset codes)", failures)
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (375, "dark")])
def test_pages_without_javascript(
    browser: Browser, class_server: str, width: int, scheme: str
) -> None:
    # The app's scripts never arrive (blocked, as a failed download or a script blocker
    # would), so the forms post to the server, which answers with whole pages of their own.
    # JavaScript itself stays on, for axe.
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    context.route("**/*.js", lambda route: route.abort())
    page, failures = context.new_page(), []
    page.goto(f"{class_server}/lessons/rnn")
    question = page.locator("form#q-rnn-memory")
    expect(question).not_to_have_attribute("data-enhanced", "")
    question.locator("input[name=answer][value=weights]").check()
    question.get_by_role("button", name="Check answer").click()
    expect(page).to_have_url(f"{class_server}/lessons/rnn/quiz/rnn-memory")
    expect(page.locator(".feedback")).to_be_visible()
    check(page, "a quiz result page (no JavaScript)", failures)
    page.goto(f"{class_server}/lessons/rnn-gated")
    dilemma = page.locator("form#d-phone-reviews")
    dilemma.locator("input[name=choice]").first.check()
    dilemma.get_by_label("Why?").fill("Small and fast enough on a phone.")
    dilemma.get_by_role("button", name="Commit to this choice").click()
    expect(page).to_have_url(f"{class_server}/lessons/rnn-gated/dilemmas/phone-reviews")
    expect(page.locator(".commentary")).to_be_visible()
    check(page, "a dilemma result page (no JavaScript)", failures)
    context.close()
    assert failures == [], "\n".join(failures)
