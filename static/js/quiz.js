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

// The answer in the shape the API expects (see app/grading.py); null with a message if incomplete.
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
  if (r.hints.length) {
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
  const attempts = form.querySelector(".attempts");
  if (attempts && r.attempts_left !== null) {
    attempts.textContent = r.finished ? "Done" : `${r.attempts_left} tr${r.attempts_left === 1 ? "y" : "ies"} left`;
  }
  if (r.finished) form.querySelector("button[type=submit]").disabled = true;
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
  const commentary = el("div", null, "commentary");
  commentary.append(el("h4", "An expert's view"), el("p", r.commentary));
  parts.push(commentary);
  box.replaceChildren(...parts);
  box.className = "feedback shown";
}

for (const form of document.querySelectorAll("form.question")) {
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
      const result = await post(url, form, { answer });
      renderAttempt(box, form, result);
      finished = result.finished;
    } catch (error) {
      showError(box, error.message);
    } finally {
      button.disabled = finished;
    }
  });
}

for (const form of document.querySelectorAll("form.dilemma")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = form.querySelector(".feedback");
    const data = new FormData(form);
    try {
      const url = `/api${new URL(form.action).pathname}/responses`;
      renderDilemma(box, await post(url, form, { choice: data.get("choice"), reason: data.get("reason") ?? "" }));
    } catch (error) {
      showError(box, error.message);
    }
  });
}
