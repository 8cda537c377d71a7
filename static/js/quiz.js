// Quiz and dilemma forms, enhanced: answers go to the JSON API and the feedback appears in
// place. Without JavaScript the same forms post to the server and show a result page.

function csrfToken(form) {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? cookie.slice("csrftoken=".length) : form.elements.csrf_token?.value ?? "";
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function list(items) {
  const ul = el("ul");
  for (const item of items) ul.append(el("li", item));
  return ul;
}

async function post(url, form, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail;
    throw new Error(detail || `The server answered ${response.status}.`);
  }
  return data;
}

function showError(box, message) {
  box.replaceChildren(el("p", message, "form-error"));
  box.className = "feedback shown";
}

// The answer in the shape the API expects (see app/quiz/grading.py); null with a message if incomplete.
function answerOf(form) {
  const data = new FormData(form);
  const type = form.dataset.type;
  if (type === "multiple" || type === "engine") return [data.getAll("answer"), null];
  if (type === "ordering") {
    const positions = [...data.entries()]
      .filter(([name]) => name.startsWith("position-"))
      .map(([name, value]) => [name.slice("position-".length), Number(value)]);
    if (new Set(positions.map(([, p]) => p)).size !== positions.length) {
      return [null, "Give each step a different position."];
    }
    return [positions.sort((a, b) => a[1] - b[1]).map(([id]) => id), null];
  }
  return [data.get("answer"), null];
}

function renderAttempt(box, form, r) {
  const parts = [];
  const verdict = el("p", null, "verdict");
  verdict.append(el("strong", r.correct ? "Correct!" : "Not quite."));
  if (r.saved) verdict.append(` You earned ${r.score.toFixed(2)} of 1 point on try ${r.attempt}.`);
  parts.push(verdict);
  for (const f of r.feedback) parts.push(el("p", f));
  if (r.misconceptions.length) {
    parts.push(el("p", `The idea behind this slip: ${r.misconceptions.join(" ")}`, "misconception"));
  }
  if (r.hints.length && !r.correct && !r.finished) { // hints are for the next try only
    const hints = el("div", null, "hints");
    hints.append(el("p", "Hints:"), list(r.hints));
    parts.push(hints);
  }
  if (r.explanation) {
    const explanation = el("div", null, "explanation");
    if (r.solution) {
      const answer = el("p");
      answer.append(el("strong", "Answer: "), r.solution);
      explanation.append(answer);
    }
    explanation.append(el("p", r.explanation));
    parts.push(explanation);
  }
  if (r.notice) parts.push(el("p", r.notice, "notice"));
  box.replaceChildren(...parts);
  box.className = `feedback shown ${r.correct ? "correct" : "wrong"}`;
  if (r.saved) showStatus(form, r);
  else if (form.dataset.guest === "true") showGuestStatus(form, r);
}

// The same words as templates/quiz/_result.html's tries_text.
function triesText(used, max, finished) {
  const tries = `tr${max === 1 ? "y" : "ies"}`;
  if (finished) return `Finished · used ${used} of ${max} ${tries}`;
  if (used) return `Used ${used} of ${max} ${tries} · ${max - used} left`;
  return `${max} ${tries}`;
}

// The same words as templates/quiz/_result.html's guest_tries_text.
function guestTriesText(used, max, finished) {
  const tail = "— log in to keep your score";
  if (finished) return `Guest: finished (not counted) ${tail}`;
  if (used) return `Guest: ${used} of ${max} tr${max === 1 ? "y" : "ies"} used (not counted) ${tail}`;
  return `Guest: tries aren't counted ${tail}`;
}

// A guest's tries are counted here only (the server stores nothing): the next try's number
// goes with the next answer, so hints and the explanation come as they would for a student.
function showGuestStatus(form, r) {
  const used = Number(form.dataset.guestTry ?? 1);
  form.dataset.guestTry = used + 1;
  if (form.elements.guest_try) form.elements.guest_try.value = used + 1;
  form.dataset.state = r.correct ? "right" : r.finished ? "out" : "open";
  form.querySelector(".attempts").textContent = guestTriesText(used, Number(form.dataset.maxAttempts), r.finished);
  form.querySelector(".q-badge").textContent = r.correct ? "Answered right" : r.finished ? "Out of tries" : "In progress";
  if (r.finished) {
    form.querySelector("button[type=submit]")?.remove();
    form.querySelector("fieldset").disabled = true;
  }
}

function points(x) {
  return String(Number(x.toFixed(2)));
}

// Keep the question's state line and the lesson's summary as the server would render them.
function showStatus(form, r) {
  const max = Number(form.dataset.maxAttempts);
  const wasFinished = form.dataset.finished === "true";
  const oldBest = Number(form.dataset.best ?? 0);
  form.dataset.tries = r.attempt;
  form.dataset.best = r.best_score;
  form.dataset.finished = String(r.finished);
  form.dataset.state = r.correct ? "right" : r.finished ? "out" : "open";
  form.querySelector(".attempts").textContent = triesText(r.attempt, max, r.finished);
  form.querySelector(".q-badge").textContent = r.correct ? "Answered right" : r.finished ? "Out of tries" : "In progress";
  let score = form.querySelector(".q-score");
  if (!score) {
    score = el("span", null, "q-score");
    form.querySelector(".q-actions").append(score);
  }
  score.replaceChildren("Score ", el("strong", r.best_score.toFixed(2)), " / 1");
  if (r.finished) {
    form.querySelector("button[type=submit]")?.remove();
    form.querySelector("fieldset").disabled = true;
  }
  const summary = document.querySelector(".quiz-summary");
  if (summary) {
    const done = Number(summary.dataset.done) + (r.finished && !wasFinished ? 1 : 0);
    const total = Number(summary.dataset.score) + r.best_score - oldBest;
    summary.dataset.done = done;
    summary.dataset.score = total;
    summary.querySelector(".done").textContent = done;
    summary.querySelector(".score").textContent = points(total);
  }
}

function renderDilemma(box, r) {
  const parts = [];
  if (r.notice) parts.push(el("p", r.notice, "notice"));
  const options = el("ul", null, "tradeoffs");
  for (const o of r.options) {
    const li = el("li", null, o.chosen ? "chosen" : "");
    const title = el("h4", o.text);
    if (o.chosen) title.append(" ", el("span", "your choice", "badge"));
    li.append(title);
    if (o.gains.length) li.append(el("p", "Gains:", "gains"), list(o.gains));
    if (o.costs.length) li.append(el("p", "Costs:", "costs"), list(o.costs));
    options.append(li);
  }
  parts.push(options);
  if (r.reason) {
    const reason = el("p", null, "your-reason");
    reason.append(el("strong", "Your reason:"), ` ${r.reason}`);
    parts.push(reason);
  }
  const commentary = el("div", null, "commentary");
  commentary.append(el("h4", "An expert's view"), el("p", r.commentary));
  parts.push(commentary);
  box.replaceChildren(...parts);
  box.className = "feedback shown";
}

for (const form of document.querySelectorAll("form.question")) {
  form.dataset.enhanced = "true"; // answers now go to the JSON API (tests wait for this)
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = form.querySelector(".feedback");
    const [answer, problem] = answerOf(form);
    if (problem) return showError(box, problem);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    let finished = false;
    try {
      const url = `/api${new URL(form.action).pathname}/attempts`;
      const body = form.dataset.guest === "true" ? { answer, guest_try: Number(form.dataset.guestTry ?? 1) } : { answer };
      const result = await post(url, form, body);
      renderAttempt(box, form, result);
      finished = result.finished;
    } catch (error) {
      showError(box, error.message);
    } finally {
      if (!finished) button.disabled = false;
    }
  });
}

for (const form of document.querySelectorAll("form.dilemma")) {
  form.dataset.enhanced = "true";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = form.querySelector(".feedback");
    const data = new FormData(form);
    try {
      const url = `/api${new URL(form.action).pathname}/responses`;
      renderDilemma(box, await post(url, form, { choice: data.get("choice"), reason: data.get("reason") ?? "" }));
      form.dataset.state = "answered";
      form.querySelector("button[type=submit]").textContent = "Change my choice";
    } catch (error) {
      showError(box, error.message);
    }
  });
}
