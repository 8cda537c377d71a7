"""A screen-reader pass, as a student would make it: one stepper in its text-first mode and
one quiz question, by keyboard, checked through the accessibility tree (roles and names)
and the live announcements, in the order they are made."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_stepper import BASIC, open_widget

# Collects what each aria-live region says, in order, as a screen reader would hear it.
RECORD_ANNOUNCEMENTS = """root => {
  window.said = [];
  for (const region of root.querySelectorAll('[aria-live]')) {
    new MutationObserver(() => {
      const text = region.textContent.trim();
      if (text) window.said.push(text);
    }).observe(region, {childList: true, characterData: true, subtree: true});
  }
}"""

# The same for the whole page: its status and alert regions too (role="status" is polite
# live without the attribute), including ones added later (an error's alert).
RECORD_PAGE_ANNOUNCEMENTS = """() => {
  window.said = [];
  const live = "[aria-live], [role=status], [role=alert]";
  new MutationObserver(records => {
    const regions = new Set(records.map(r => {
      const node = r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement;
      return node && node.closest(live);
    }).filter(Boolean));
    for (const region of regions) {
      const text = region.textContent.replace(/\\s+/g, " ").trim();
      if (text) window.said.push(text);
    }
  }).observe(document.body, {childList: true, characterData: true, subtree: true});
}"""


def test_the_stepper_by_keyboard_and_ear(page: Page, live_server: str) -> None:
    root = open_widget(page, live_server, BASIC)  # "hello", a 4-unit RNN
    widget = page.get_by_role("region", name="Interactive RNN stepper: Step through")
    expect(widget).to_have_count(1)
    for name in ("First step (Home)", "Step back (←)", "Play (Space)", "Step forward (→)"):
        expect(widget.get_by_role("button", name=name)).to_have_count(1)
    expect(widget.get_by_role("slider", name="Step")).to_have_value("1")
    # text first: the numbers as a table, its caption naming the step
    widget.get_by_role("checkbox", name="Numbers as a table").check()
    table = widget.get_by_role("table")
    expect(table).to_have_accessible_name("Step 1 of 5, input “h”: all numbers (RNN)")
    root.evaluate(RECORD_ANNOUNCEMENTS)
    root.locator(".st-stage").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(table).to_have_accessible_name("Step 4 of 5, input “l”: all numbers (RNN)")
    said = page.evaluate("window.said")
    steps = [s for s in said if s.startswith("Step ")]
    assert [s.split(",")[0] for s in steps] == ["Step 2 of 5", "Step 3 of 5", "Step 4 of 5"], said
    assert "input e" in steps[0] and "input l" in steps[1]
    # the guesses are read as rounded shares, not 16 digits
    guesses = widget.get_by_role("listitem").filter(has_text="%")
    names = guesses.evaluate_all("items => items.map(i => i.getAttribute('aria-label'))")
    assert names and all(n and n.endswith("%") and len(n) < 20 for n in names), names


def test_a_quiz_question_by_keyboard_and_ear(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/lessons/rnn")
    form = page.locator("form#q-rnn-memory[data-enhanced]")
    page.evaluate(RECORD_PAGE_ANNOUNCEMENTS)
    question = page.get_by_role("group", name="Question 1 ", exact=False).first
    expect(question).to_contain_text("What lets its prediction")
    wrong = question.get_by_role("radio", name="Its weights", exact=False)
    wrong.focus()
    page.keyboard.press("Space")
    expect(wrong).to_be_checked()
    sure = question.get_by_role("group", name="How sure are you? (optional)")
    sure.get_by_role("radio", name="Sure", exact=True).check()
    question.get_by_role("button", name="Check answer").focus()
    page.keyboard.press("Enter")
    # the result takes the focus: a screen reader reads it at once
    feedback = form.locator(".feedback")
    expect(feedback).to_be_focused()
    expect(feedback).to_contain_text("Not quite")
    expect(form).to_contain_text("2 left")
    # then the right answer, by keyboard again: the result is focused and said once more
    right = question.get_by_role("radio", name="The hidden state", exact=False)
    right.focus()
    page.keyboard.press("Space")
    question.get_by_role("button", name="Check answer").focus()
    page.keyboard.press("Enter")
    expect(feedback).to_be_focused()
    expect(feedback).to_contain_text("Correct!")
    # what the live regions said, in order: each verdict once, with the tries it leaves
    expect(page.locator("#quiz-said")).to_contain_text("Correct!")
    said = page.evaluate("window.said")
    assert said == [
        "Question 1: Not quite. Guest: used 1 of 3 tries · 2 left — log in to keep your score",
        "Question 1: Correct! Guest: finished · used 2 of 3 tries — log in to keep your score",
    ], said
