"""The "Listen" player in real Chromium, speaking through a scripted speechSynthesis.

Headless Chromium has no voices, so `fake_speech.js` stands in for the browser's speech:
it records every utterance and fires start/boundary/end/error as a voice would, either by
itself or when a test says the voice has reached the end of a sentence (`finish`).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from db_fixtures import running_server
from playwright.sync_api import Locator, Page, expect

from app.config import PROJECT_ROOT

FAKE_SPEECH = (Path(__file__).parent / "fake_speech.js").read_text()

# A narrated section with math, inline code, a code block, a widget and a table, and a
# section that is not narrated between two that are.
SPOKEN_LESSON = """\
---
title: Spoken math
slug: spoken
order: 1
summary: Math, code and a widget inside the narrated sections.
narrated: [answer, later]
say:
  'h_t = \\tanh(W_{hh} h_{t-1} + x_t)': h t is the tanh of the old state, weighted, plus the input
---

## The answer {#answer}

The state $h_t$ is new at every step. It is computed like this:

$$ h_t = \\tanh(W_{hh} h_{t-1} + x_t) $$

Call `rnn.step()` to run it.

```python
print("CODE-NOT-READ")
```

```rnn-stepper
cell: rnn
hidden_size: 2
input: "ab"
caption: WIDGET-CAPTION-NOT-READ
```

| name | value |
|------|-------|
| TABLE-NOT-READ | 1 |

Last words here.

## Not narrated {#middle}

MIDDLE-NOT-READ.

## Later {#later}

A [link to the answer](#answer) sits in this sentence. Another sentence follows.
"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The course, with lesson 1 read from its sections only (no spoken summary in front).

    The player's tests below follow its moves over two long narrated sections of real prose
    (the answer and the analogy); the summary that Listen reads first on the real page is
    tested in tests/routes/test_course.py and tests/lessons/test_course_text.py."""
    root = tmp_path_factory.mktemp("listen")
    shutil.copytree(PROJECT_ROOT / "lessons", root / "lessons")
    md = root / "lessons" / "rnn" / "lesson.md"
    text = re.sub(r"(?ms)^spoken: \|\n(?:  .*\n|\n)*?(?=---)", "", md.read_text())
    assert "spoken:" not in text.split("---")[1]
    md.write_text(text)
    with running_server(root / "lessons", f"sqlite:///{root / 'parade.db'}", root) as url:
        yield url


@pytest.fixture(scope="module")
def spoken_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("spoken")
    (root / "lessons" / "spoken").mkdir(parents=True)
    (root / "lessons" / "spoken" / "lesson.md").write_text(SPOKEN_LESSON)
    with running_server(root / "lessons", f"sqlite:///{root / 'parade.db'}", root) as url:
        yield url


def open_lesson(page: Page, url: str, slug: str = "rnn", **config: object) -> Locator:
    """Open a lesson with the scripted voice (configured by `config`); return the player."""
    page.add_init_script(f"window.__speechConfig = {json.dumps(config)};")
    page.add_init_script(FAKE_SPEECH)
    page.goto(f"{url}/lessons/{slug}")
    player = page.locator(".listen")
    expect(player).to_be_visible()
    return player


def spoken(page: Page) -> list[str]:
    return page.evaluate("window.__speech.spoken.map((u) => u.text)")  # type: ignore[no-any-return]


def finish(page: Page) -> None:
    """The voice reaches the end of what it is saying."""
    assert page.evaluate("window.__speech.finish()"), "nothing was being spoken"


def highlighted(page: Page) -> str:
    text = page.evaluate(
        "[...document.querySelectorAll('.listen-now')].map((e) => e.textContent).join('')"
    )
    return " ".join(text.split())


def words(text: str) -> str:
    return " ".join(text.split())


def button(page: Page, name: str) -> Locator:
    return page.locator(".listen").get_by_role("button", name=name, exact=True)


def test_reads_the_narrated_prose_in_order_then_stops(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server, auto=5)
    expect(page.locator("#listen-help")).to_contain_text(
        "Listen reads aloud: What is an RNN? · The parade analogy."
    )
    button(page, "Listen").click()
    expect(page.locator(".listen-status")).to_have_text(
        "Finished: that was the last narrated section.", timeout=30_000
    )
    expect(player).to_have_attribute("data-state", "idle")
    said = spoken(page)
    # Everything in the two narrated sections, in page order, and nothing else (a section
    # check's questions are a form, not prose: taken off the page to compare).
    page.evaluate("document.querySelectorAll('.section-check').forEach((e) => e.remove())")
    expected = words(" ".join(page.locator(f"#{id}").inner_text() for id in ("answer", "analogy")))
    assert " ".join(said) == expected
    assert said[0] == "What is an RNN?"
    assert said[1].startswith("Recurrent neural networks (RNNs) are a class")
    assert "Four ideas make an RNN" not in " ".join(said)  # the section in between is not read
    # One utterance per sentence, none long enough for Chrome's ~15 s cut-off.
    assert len(said) > 40 and max(len(s) for s in said) <= 200
    assert "Show it a word, and it has no idea which word came before." in said
    assert page.locator(".listen-now").count() == 0
    assert console_errors == []


def test_the_highlight_and_position_follow_the_voice(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server)
    expect(player.locator(".listen-where")).to_have_text("Section 1 of 2, sentence 1 of 11")
    button(page, "Listen").click()
    expect(player).to_have_attribute("data-state", "playing")
    assert spoken(page) == ["What is an RNN?"]
    assert highlighted(page) == "What is an RNN?"
    finish(page)
    # The long first sentence is said in two pieces, and highlighted as one throughout.
    first = words(page.locator("#answer p").first.inner_text())
    assert highlighted(page) == first and first.startswith(spoken(page)[1])
    finish(page)
    assert highlighted(page) == first and " ".join(spoken(page)[1:]) == first
    finish(page)
    assert (
        highlighted(page)
        == spoken(page)[-1]
        == ("A traditional feed-forward network treats each input as independent of the others.")
    )
    expect(player.locator(".listen-where")).to_have_text("Section 1 of 2, sentence 3 of 11")
    # The highlight is on the page, in the paragraph that holds the sentence.
    now = page.locator(".listen-now")
    expect(now).to_have_count(1)
    expect(now).to_be_in_viewport()
    assert now.evaluate("(el) => el.closest('p') === document.querySelectorAll('#answer p')[1]")
    assert console_errors == []


def test_pause_is_instant_and_resume_repeats_the_sentence(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server)
    button(page, "Listen").click()
    finish(page)
    finish(page)
    finish(page)
    current = spoken(page)[-1]
    play = player.locator(".listen-play")
    box = play.bounding_box()
    button(page, "Pause").click()
    expect(player).to_have_attribute("data-state", "paused")
    assert page.evaluate("window.__speech.speaking") is False  # silent at once
    expect(button(page, "Resume")).to_be_visible()
    assert highlighted(page) == current  # the place stays marked
    count = len(spoken(page))
    page.wait_for_timeout(300)
    assert len(spoken(page)) == count
    button(page, "Resume").click()
    expect(player).to_have_attribute("data-state", "playing")
    assert spoken(page)[count:] == [current]
    # The label changed three times; the button kept its size and place.
    assert play.bounding_box() == box
    assert console_errors == []


def test_labels_do_not_move_the_controls(page: Page, live_server: str) -> None:
    player = open_lesson(page, live_server)
    controls = player.locator(".listen-controls button, .listen-controls summary")
    before = [controls.nth(i).bounding_box() for i in range(controls.count())]
    button(page, "Listen").click()
    expect(player).to_have_attribute("data-state", "playing")
    page.evaluate("window.scrollTo(0, 0)")
    assert [controls.nth(i).bounding_box() for i in range(controls.count())] == before
    button(page, "Pause").click()
    page.evaluate("window.scrollTo(0, 0)")
    assert [controls.nth(i).bounding_box() for i in range(controls.count())] == before


def test_speed_is_heard_at_once_and_remembered(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server)
    button(page, "Listen").click()
    finish(page)
    player.locator(".listen-settings > summary").click()
    player.get_by_label("Speed", exact=True).select_option("1.5")
    last = page.evaluate("window.__speech.spoken.at(-1)")
    # The sentence being read starts again at the new speed.
    assert last["rate"] == 1.5 and last["text"].startswith("Recurrent neural networks")
    finish(page)
    finish(page)
    assert page.evaluate("window.__speech.spoken.at(-1).rate") == 1.5
    page.reload()
    expect(player.get_by_label("Speed", exact=True)).to_have_value("1.5")
    button(page, "Listen").click()
    assert page.evaluate("window.__speech.spoken.at(-1).rate") == 1.5
    assert console_errors == []


def test_voice_choice_is_used_and_remembered(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server)
    player.locator(".listen-settings > summary").click()
    menu = player.get_by_label("Voice", exact=True)
    # The page's language first, then the others.
    assert menu.locator("option").all_inner_texts() == [
        "Browser default",
        "Test Voice A (en-GB)",
        "Test Voice B (en-US)",
        "Test Stimme (de-DE)",
    ]
    menu.select_option(label="Test Voice B (en-US)")
    button(page, "Listen").click()
    utterance = page.evaluate("window.__speech.spoken.at(-1)")
    assert utterance["voice"] == "Test Voice B" and utterance["lang"] == "en-US"
    page.reload()
    expect(player.get_by_label("Voice", exact=True)).to_have_value("test-b")
    button(page, "Listen").click()
    assert page.evaluate("window.__speech.spoken.at(-1).voice") == "Test Voice B"
    # Changing the voice while reading is heard at once.
    player.locator(".listen-settings > summary").click()
    player.get_by_label("Voice", exact=True).select_option("test-a")
    assert page.evaluate("window.__speech.spoken.at(-1).voice") == "Test Voice A"
    assert console_errors == []


def test_next_and_previous_sentence_and_section(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server)
    where = player.locator(".listen-where")
    expect(button(page, "Previous sentence")).to_have_attribute("aria-disabled", "true")
    button(page, "Listen").click()
    button(page, "Next sentence").click()
    assert spoken(page)[-1].startswith("Recurrent neural networks")
    button(page, "Next sentence").click()
    expect(where).to_have_text("Section 1 of 2, sentence 3 of 11")
    button(page, "Previous sentence").click()
    expect(where).to_have_text("Section 1 of 2, sentence 2 of 11")
    button(page, "Next section").click()
    assert spoken(page)[-1] == "The parade analogy"
    expect(where).to_have_text(re.compile(r"^Section 2 of 2, sentence 1 of \d+$"))
    expect(button(page, "Next section")).to_have_attribute("aria-disabled", "true")
    expect(player).to_have_attribute("data-state", "playing")
    finish(page)
    finish(page)
    # Back to the start of this section first, then to the section before.
    button(page, "Previous section").click()
    assert spoken(page)[-1] == "The parade analogy"
    button(page, "Previous section").click()
    assert spoken(page)[-1] == "What is an RNN?"
    expect(where).to_have_text("Section 1 of 2, sentence 1 of 11")
    # While paused, moving shows the new place without speaking.
    button(page, "Pause").click()
    count = len(spoken(page))
    button(page, "Next section").click()
    assert highlighted(page) == "The parade analogy" and len(spoken(page)) == count
    expect(player).to_have_attribute("data-state", "paused")
    button(page, "Resume").click()
    assert spoken(page)[-1] == "The parade analogy"
    button(page, "Stop").click()
    expect(player).to_have_attribute("data-state", "idle")
    assert page.locator(".listen-now").count() == 0
    assert console_errors == []


def test_clicking_a_sentence_starts_reading_there(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server)
    target = page.locator("#analogy .listen-s", has_text="Your brain, like an RNN").first
    # Widgets near the sentence load when it scrolls into view and grow the page; on a busy
    # machine a click aimed before they settle lands on whatever moved under it.
    target.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    target.click()
    expect(player).to_have_attribute("data-state", "playing")
    assert spoken(page)[-1].startswith("Your brain, like an RNN, processes each float")
    assert highlighted(page).startswith("Your brain, like an RNN")
    finish(page)
    assert spoken(page)[-1].startswith("However, if the parade is very long")
    # Prose outside the narrated sections is not clickable for reading.
    assert page.locator("#how-it-works .listen-s").count() == 0
    assert console_errors == []


def test_the_place_is_offered_on_return(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server)
    expect(page.locator("#listen-resume")).to_be_hidden()
    button(page, "Listen").click()
    button(page, "Next section").click()
    finish(page)
    button(page, "Pause").click()
    page.reload()
    offer = page.locator("#listen-resume")
    expect(offer).to_contain_text("Continue from section 2, “The parade analogy”?")
    expect(player.locator(".listen-where")).to_have_text(
        re.compile(r"^Section 2 of 2, sentence 2 of \d+$")
    )
    offer.get_by_role("button", name="Continue").click()
    assert spoken(page) == [
        "Imagine you are watching a parade where each float represents a piece of data in a "
        "sequence."
    ]
    expect(offer).to_be_hidden()
    # Another visit, and this time the student starts over.
    page.reload()
    page.locator("#listen-resume").get_by_role("button", name="Start from the beginning").click()
    assert spoken(page) == ["What is an RNN?"]
    # A lesson read to the end is not offered again.
    while page.locator(".listen").get_attribute("data-state") == "playing":
        finish(page)
    page.reload()
    expect(page.locator("#listen-resume")).to_be_hidden()
    assert console_errors == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"voices": []}, "Your browser has no voice to read with"),
        ({"failWith": "synthesis-failed"}, "The voice stopped with an error"),
        ({"failWith": "network"}, "That voice reads over the internet"),
    ],
)
def test_problems_end_in_idle_with_a_plain_message(
    page: Page, live_server: str, config: dict[str, object], message: str
) -> None:
    player = open_lesson(page, live_server, **config)
    button(page, "Listen").click()
    expect(player.locator(".listen-status")).to_contain_text(message)
    expect(player).to_have_attribute("data-state", "idle")
    expect(button(page, "Listen")).to_be_visible()
    assert page.locator(".listen-now").count() == 0
    expect(page.locator("#answer p").first).to_be_visible()  # the page stays readable
    # Trying again after the problem starts afresh (and meets it again, plainly).
    page.locator(".listen-status").evaluate("(el) => { el.textContent = ''; }")
    button(page, "Listen").click()
    expect(player.locator(".listen-status")).to_contain_text(message)
    expect(player).to_have_attribute("data-state", "idle")


def test_a_voice_that_never_starts_ends_in_idle(page: Page, live_server: str) -> None:
    player = open_lesson(page, live_server, silent=True)
    button(page, "Listen").click()
    expect(player).to_have_attribute("data-state", "playing")
    expect(player.locator(".listen-status")).to_contain_text(
        "The voice did not start speaking", timeout=8000
    )
    expect(player).to_have_attribute("data-state", "idle")


def test_without_speech_synthesis_the_player_says_so(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    page.goto(f"{live_server}/lessons/rnn")
    player = page.locator(".listen")
    assert page.evaluate("'speechSynthesis' in window") is False
    button(page, "Listen").click()
    expect(player.locator(".listen-status")).to_contain_text("This browser cannot read pages aloud")
    expect(player).to_have_attribute("data-state", "idle")
    expect(player.get_by_label("Voice", exact=True)).to_be_disabled()
    assert console_errors == []


def test_real_headless_chromium_without_voices_says_so(page: Page, live_server: str) -> None:
    # No scripted voice: whatever this browser has. Headless Chromium has no voices, so the
    # player must say so rather than claim to be reading.
    page.goto(f"{live_server}/lessons/rnn")
    if page.evaluate("speechSynthesis.getVoices().length"):
        pytest.skip("this Chromium has voices")
    button(page, "Listen").click()
    expect(page.locator(".listen-status")).to_contain_text("no voice to read with")
    expect(page.locator(".listen")).to_have_attribute("data-state", "idle")


def test_math_is_spoken_and_code_widgets_tables_are_not(
    page: Page, spoken_server: str, console_errors: list[str]
) -> None:
    open_lesson(page, spoken_server, slug="spoken", auto=5)
    button(page, "Listen").click()
    expect(page.locator(".listen-status")).to_contain_text("Finished", timeout=30_000)
    assert spoken(page) == [
        "The answer",
        "The state h sub t is new at every step.",
        "It is computed like this:",
        "h t is the tanh of the old state, weighted, plus the input",  # the author's words
        "Call to run it.",
        "Last words here.",
        "Later",
        "A link to the answer sits in this sentence.",
        "Another sentence follows.",
    ]
    # The formula stays MathML on the page, highlighted as a whole when it is read.
    assert page.locator("#answer .listen-s > math").count() == 2
    assert console_errors == []


def test_following_a_link_in_a_sentence_does_not_start_reading(
    page: Page, spoken_server: str
) -> None:
    player = open_lesson(page, spoken_server, slug="spoken")
    page.get_by_role("link", name="link to the answer").click()
    expect(page).to_have_url(re.compile(r"#answer$"))
    expect(player).to_have_attribute("data-state", "idle")
    assert spoken(page) == []


def test_alt_shift_l_plays_and_pauses_from_anywhere(
    page: Page, live_server: str, console_errors: list[str]
) -> None:
    player = open_lesson(page, live_server)
    expect(player.locator(".listen-play")).to_have_attribute("aria-keyshortcuts", "Alt+Shift+L")
    expect(page.locator("#listen-help")).to_contain_text("Alt+Shift+L plays or pauses")
    page.keyboard.press("Alt+Shift+KeyL")
    expect(player).to_have_attribute("data-state", "playing")
    # The stepper keeps its own keys: Space there steps the network, not the reading.
    stage = page.locator(".st-stage").first
    stage.scroll_into_view_if_needed()
    stage.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(player).to_have_attribute("data-state", "playing")
    page.keyboard.press("Alt+Shift+KeyL")  # and the shortcut works with the stepper focused
    expect(player).to_have_attribute("data-state", "paused")
    expect(stage).to_be_focused()
    assert console_errors == []


def test_every_control_is_reached_by_tab_with_a_visible_focus(page: Page, live_server: str) -> None:
    player = open_lesson(page, live_server)
    button(page, "Previous section").focus()
    names = []
    for i in range(7):
        if i:
            page.keyboard.press("Tab")
        focused = page.locator(":focus")
        names.append(focused.get_attribute("aria-label") or focused.get_attribute("data-do"))
        # The focus ring shows (Tab gives :focus-visible), on disabled-looking ends too.
        assert focused.evaluate("(el) => el.matches(':focus-visible')"), names[-1]
        assert focused.evaluate("(el) => getComputedStyle(el).outlineStyle") == "solid", names[-1]
    assert names == [
        "Previous section",
        "Previous sentence",
        "play",
        "Next sentence",
        "Next section",
        "Stop",
        "Voice and speed",
    ]
    # The settings panel opens from the keyboard and its menus take focus too.
    player.locator(".listen-settings > summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(player.get_by_label("Speed", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(player.get_by_label("Voice", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(player.locator(".listen-panel")).to_be_hidden()
    expect(player.locator(".listen-settings > summary")).to_be_focused()


def test_the_bar_stays_in_view_while_reading(page: Page, live_server: str) -> None:
    player = open_lesson(page, live_server)
    page.evaluate("window.scrollTo(0, 2000)")
    assert player.bounding_box()["y"] < 0  # type: ignore[index]  # idle: scrolls away
    button(page, "Listen").evaluate("(el) => el.click()")
    page.evaluate("window.scrollTo(0, 2000)")
    assert abs(player.bounding_box()["y"]) < 1  # type: ignore[index]


def test_the_page_follows_the_voice_unless_the_student_scrolled_away(
    page: Page, live_server: str
) -> None:
    open_lesson(page, live_server)
    page.emulate_media(reduced_motion="reduce")
    button(page, "Listen").click()
    button(page, "Next section").click()  # a jump brings the sentence into view
    expect(page.locator(".listen-now")).to_be_in_viewport()
    # Reading on: the page follows while the reading spot is on screen.
    for _ in range(12):
        finish(page)
    expect(page.locator(".listen-now").first).to_be_in_viewport()
    # The student scrolls away to read something else: the page stays where they put it.
    page.locator("#quiz").scroll_into_view_if_needed()
    y = page.evaluate("window.scrollY")
    for _ in range(3):
        finish(page)
    assert page.evaluate("window.scrollY") == y
    expect(page.locator(".listen-now").first).not_to_be_in_viewport()


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_scrolling_respects_reduced_motion(page: Page, live_server: str, motion: str) -> None:
    open_lesson(page, live_server)
    page.emulate_media(reduced_motion=motion)  # type: ignore[arg-type]
    button(page, "Listen").click()
    # Jump to a section far down the page and read the scroll position in the same task.
    moved = page.evaluate(
        """() => {
          const before = window.scrollY;
          document.querySelector('.listen [data-do="next-section"]').click();
          return window.scrollY - before;
        }"""
    )
    if motion == "reduce":
        assert moved > 500  # there at once
    else:
        assert moved == 0  # a smooth scroll has only started
        expect(page.locator(".listen-now").first).to_be_in_viewport()


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (375, 812)])
def test_player_screenshots(
    page: Page, live_server: str, artifacts: Path, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    player = open_lesson(page, live_server)
    button(page, "Listen").click()
    for _ in range(5):
        finish(page)
    expect(page.locator(".listen-now")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    box = player.bounding_box()
    assert box is not None and box["height"] < (80 if width > 480 else 110)
    page.screenshot(path=artifacts / f"listen-playing-{width}.png")
    page.evaluate("window.scrollBy(0, 600)")
    player.locator(".listen-settings > summary").click()
    page.screenshot(path=artifacts / f"listen-settings-{width}.png")


MATH_WORDS = [
    (
        r"h_t = \tanh(W_{ih} x_t + b_{ih})",
        "h sub t equals tanh of W sub i h x sub t plus b sub i h",
    ),
    (r"x_t \in \mathbb{R}^D", "x sub t in R to the power D"),
    (r"x_1, x_2, \ldots, x_T", "x sub 1, x sub 2, dot dot dot, x sub T"),
    (r"c_t = f_t \odot c_{t-1}", "c sub t equals f sub t element-wise times c sub t minus 1"),
    (r"W_{hh}^\top", "W sub h h transpose"),
    (r"\sigma(x)^2", "sigma of x squared"),
    (r"\frac{\partial L}{\partial h_t}", "partial L over partial h sub t"),
    (r"\left( -1, 1 \right)", "minus 1, 1"),
    (r"a \le b < c", "a is at most b is less than c"),
]


@pytest.mark.parametrize(("latex", "said"), MATH_WORDS)
def test_math_speech_words(page: Page, spoken_server: str, latex: str, said: str) -> None:
    page.goto(f"{spoken_server}/lessons/spoken")
    got = page.evaluate(
        "async (latex) => (await import('/static/js/listen/mathspeech.js')).mathSpeech(latex)",
        latex,
    )
    assert got == said
