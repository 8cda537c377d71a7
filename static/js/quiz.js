// Quiz and dilemma forms, enhanced: the form posts as it would without JavaScript, asking
// for a fragment (app/web/fragments.py); the server renders the question or dilemma again
// with the same template as the page, and it is swapped in. No template is re-written here.

const FRAGMENT_HEADER = "X-Parade-Fragment";

function csrfToken(form) {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? cookie.slice("csrftoken=".length) : (form.elements.csrf_token?.value ?? "");
}

// Parse the server's HTML into nodes (a <template> never runs scripts or loads images).
function parse(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

async function postForm(form) {
  const body = new URLSearchParams(new FormData(form));
  body.set("csrf_token", csrfToken(form));
  const response = await fetch(form.action, {
    method: "POST",
    credentials: "same-origin",
    headers: { [FRAGMENT_HEADER]: "1", "X-CSRFToken": csrfToken(form) },
    body,
  });
  return { ok: response.ok, status: response.status, html: await response.text() };
}

// A refused answer (malformed, or no tries left) keeps the form and what was typed in it:
// the server's message appears in the form's status box (a dilemma's discussion stays), else
// in the feedback box.
function showError(form, html, status) {
  const box = form.querySelector(".form-status") ?? form.querySelector(".feedback");
  const message = parse(html).querySelector(".form-error, main p");
  const text = message?.textContent.trim() || `The server answered ${status}. Try again.`;
  const p = document.createElement("p");
  p.className = "form-error";
  p.setAttribute("role", "alert");
  p.textContent = text;
  p.tabIndex = -1;
  box.replaceChildren(p);
  box.className = "feedback shown";
  p.focus(); // the keyboard and the screen reader go to what went wrong
}

// Replace the form by the server's rendering of it, and any element the fragment carries
// with an id already on the page (the lesson's quiz totals); then focus the feedback.
function swap(form, html) {
  const fragment = parse(html);
  const fresh = fragment.querySelector(`#${CSS.escape(form.id)}`);
  if (!fresh) return false;
  for (const extra of fragment.querySelectorAll("[id]")) {
    if (extra === fresh || fresh.contains(extra)) continue;
    document.getElementById(extra.id)?.replaceWith(extra);
  }
  form.replaceWith(fresh);
  enhance(fresh);
  fresh.querySelector(".feedback")?.focus();
  announce(fresh);
  return true;
}

// Say a question's verdict and the tries left in the page's live region: "Question 1: Not
// quite. Used 1 of 3 tries · 2 left". Emptied first, so the same words twice are said twice.
function announce(form) {
  const region = document.getElementById("quiz-said");
  const verdict = form.querySelector(".feedback .verdict strong");
  if (!region || !verdict) return;
  const words = (el) => el?.textContent.replace(/\s+/g, " ").trim() ?? "";
  const number = words(form.querySelector(".q-number")?.firstChild);
  const tries = words(form.querySelector(".q-actions .attempts"));
  region.textContent = "";
  setTimeout(() => {
    region.textContent = [`${number}: ${words(verdict)}`, tries].filter(Boolean).join(" ");
  }, 50);
}

function enhance(form) {
  form.dataset.enhanced = "true"; // answers now come back as fragments (tests wait for this)
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const { ok, status, html } = await postForm(form);
      if (ok && swap(form, html)) return;
      showError(form, html, status);
    } catch {
      showError(form, "", "no answer (are you offline?)");
    }
    if (button) button.disabled = false;
  });
}

for (const form of document.querySelectorAll("form.question, form.dilemma")) enhance(form);
