// Small DOM helpers shared by the stepper's views.

/** Return a new element: h("button", {class: "x", onclick: fn}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "html") el.innerHTML = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) el.append(child);
  }
  return el;
}

let counter = 0;
/** Return a page-unique id with a readable prefix. */
export const uid = (prefix) => `${prefix}-${++counter}`;

const MINUS = "\u2212";
/** Return v with `digits` decimals and a real minus sign (tabular figures line up). */
export function fmt(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  const s = Math.abs(v).toFixed(digits);
  return (v < 0 && Number(s) !== 0 ? MINUS : "") + s;
}

/** Return v in scientific notation for the memory meter: 3.2e−4. */
export function sci(v) {
  if (v === 0) return "0";
  if (v >= 0.01 && v < 1000)
    return v.toPrecision(2).replace(/\.?0+$/, (m) => (m.includes(".") ? "" : m));
  const [mant, exp] = v.toExponential(1).split("e");
  return `${mant}e${exp.replace("-", MINUS).replace("+", "")}`;
}

/** Return a percentage string with one decimal below 10 %. */
export const pct = (p) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;

/** Return a visible stand-in for a character (space is ␣). */
export const glyph = (ch) => (ch === " " ? "\u2423" : ch);

/** Return how a screen reader should say a character. */
export const spoken = (ch) => (ch === " " ? "space" : ch);

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Return fn debounced by `ms`. */
export function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// An inert parser for morphHtml: parsing into a template builds nodes without style or layout.
const scratch = document.createElement("template");

/**
 * Show `html` in `el`, reusing el's nodes: where the new markup has the same shape (the same
 * elements in the same places), only the text and the attributes that differ are written.
 * A step of the stepper changes the equation's numbers, not its shape, and rebuilding its few
 * hundred nodes per step cost more style and layout than the numbers themselves.
 */
export function morphHtml(el, html) {
  scratch.innerHTML = html;
  morphChildren(el, scratch.content);
}

function morphChildren(live, fresh) {
  const now = live.childNodes;
  const next = fresh.childNodes;
  if (now.length !== next.length) {
    live.replaceChildren(...next);
    return;
  }
  for (let i = 0; i < next.length; i++) {
    const a = now[i];
    const b = next[i];
    if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) {
      live.replaceChild(b.cloneNode(true), a);
    } else if (a.nodeType === Node.ELEMENT_NODE) {
      morphAttributes(a, b);
      morphChildren(a, b);
    } else if (a.nodeValue !== b.nodeValue) {
      a.nodeValue = b.nodeValue;
    }
  }
}

function morphAttributes(a, b) {
  for (const { name, value } of b.attributes) {
    if (a.getAttribute(name) !== value) a.setAttribute(name, value);
  }
  if (a.attributes.length === b.attributes.length) return;
  for (const name of a.getAttributeNames()) {
    if (!b.hasAttribute(name)) a.removeAttribute(name);
  }
}
