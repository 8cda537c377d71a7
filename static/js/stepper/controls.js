// The network's settings (cell, hidden size, weight scale, seed, input) as labelled form
// controls. A lesson can lock a control (shown, disabled) or hide it.

import { h, uid } from "./dom.js";
import { icon } from "./icons.js";
import { limits } from "./limits.js";

// Characters the network cannot read but that have an obvious stand-in.
const REPLACE = {
  "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
  "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
  "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-", "_": "-",
  "\u2026": "...", "[": "(", "]": ")", "{": "(", "}": ")",
};
// Letters that NFD does not split into a base letter and an accent.
const LETTERS = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };
const WHITESPACE_NAMES = { "\t": "tab", "\n": "line break", "\r": "line break", "\u00a0": "non-breaking space" };

/** Return how to name a character in a note: “é”, or tab / line break for invisible ones. */
const named = (ch) => WHITESPACE_NAMES[ch] || (/\s/.test(ch) ? "odd space" : `“${ch}”`);

/**
 * Return {text, changes} for what the student typed: the text the network can read (the
 * vocabulary, at most limits.maxInput characters) and exactly what was done to get it:
 * changes = {lowercased: [chars], transliterated: [[from, to]], replaced: [[from, to]],
 *            removed: [chars], cut: number of characters past the limit}.
 */
export function sanitize(raw) {
  const vocab = limits.vocabSet;
  const lowercased = new Set();
  const transliterated = new Map();
  const replaced = new Map();
  const removed = new Set();
  let text = "";
  for (const ch of raw) {
    if (vocab.has(ch)) { text += ch; continue; }
    const lower = ch.toLowerCase();
    if (lower.length === 1 && vocab.has(lower)) { text += lower; lowercased.add(ch); continue; }
    if (REPLACE[ch]) { text += REPLACE[ch]; replaced.set(ch, REPLACE[ch]); continue; }
    if (/\s/.test(ch)) { text += " "; replaced.set(named(ch), "space"); continue; }
    // é → e, Ö → o, ñ → n: the base letter without its combining accents
    const base = LETTERS[lower] ?? lower.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    if (base && base !== lower && [...base].every((c) => vocab.has(c))) {
      text += base;
      transliterated.set(ch, base);
      continue;
    }
    removed.add(ch);
  }
  const cut = Math.max(0, [...text].length - limits.maxInput);
  return {
    text: text.slice(0, limits.maxInput),
    changes: { lowercased: [...lowercased], transliterated: [...transliterated], replaced: [...replaced],
      removed: [...removed], cut },
  };
}

const quoteList = (items, max = 6) => {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
};

/** Return the note that says exactly what sanitize() changed ("" when nothing was). */
export function changeNote({ lowercased, transliterated, replaced, removed, cut }) {
  const parts = [];
  if (lowercased.length) parts.push(`lowercased ${quoteList(lowercased.map((c) => `“${c}”`))}`);
  if (transliterated.length) {
    parts.push(`transliterated to plain letters ${quoteList(transliterated.map(([a, b]) => `${a} → ${b}`))}`);
  }
  if (replaced.length) parts.push(`replaced ${quoteList(replaced.map(([a, b]) => `${a} → ${b}`))}`);
  if (removed.length) parts.push(`removed ${quoteList(removed.map(named))}`);
  if (cut) parts.push(`cut the last ${cut} character${cut === 1 ? "" : "s"} (at most ${limits.maxInput})`);
  if (!parts.length) return "";
  return `Changed your input: ${parts.join("; ")}. The network reads only lowercase letters, digits, spaces and . , ; : ! ? ' " - ( )`;
}

const LOCK_NOTE = "Fixed for this part of the lesson";

function lockMark() {
  return h("span", { class: "st-lock", title: LOCK_NOTE }, icon("lock"), h("span", { class: "visually-hidden", text: " (locked)" }));
}

function field(label, control, { locked, hint, target = control } = {}) {
  const id = target.id || (target.id = uid("st"));
  return h("div", { class: `st-field${locked ? " locked" : ""}` },
    h("label", { for: id }, label, locked ? lockMark() : null),
    control,
    hint ? h("span", { class: "st-hint", text: hint }) : null);
}

export class NetworkControls {
  /** state: the widget's state; onChange(patch) applies a change; lock/hide: sets of names. */
  constructor({ state, locked, hidden, onChange }) {
    this.onChange = onChange;
    const name = uid("cell");
    const isLocked = (c) => locked.has(c);
    const show = (c) => !hidden.has(c);

    this.cellInputs = limits.cells.map((cell) => h("input", {
      type: "radio", name, value: cell, disabled: isLocked("cell"),
      onchange: () => onChange({ cell }),
    }));
    const cellBox = h("fieldset", { class: `st-field st-cell-pick${isLocked("cell") ? " locked" : ""}` },
      h("legend", {}, "Cell", isLocked("cell") ? lockMark() : null),
      h("div", { class: "st-segmented" }, this.cellInputs.map((input) =>
        h("label", {}, input, h("span", { text: limits.cellNames[input.value] })))));

    this.hidden = h("input", { type: "range", min: 1, max: limits.maxHidden, step: 1, disabled: isLocked("hidden_size"),
      oninput: () => { this.hiddenOut.textContent = this.hidden.value; onChange({ H: +this.hidden.value }, true); } });
    this.hiddenOut = h("output", { class: "st-out-val" });

    this.scale = h("input", { type: "range", min: 0, max: 5, step: 0.05, disabled: isLocked("weight_scale"),
      "aria-describedby": null,
      oninput: () => { this.scaleOut.textContent = (+this.scale.value).toFixed(2); onChange({ ws: +this.scale.value }, true); } });
    this.scaleOut = h("output", { class: "st-out-val" });

    this.bias = h("input", { type: "range", min: -2, max: 5, step: 0.5, disabled: isLocked("memory_bias"),
      oninput: () => { this.biasOut.textContent = (+this.bias.value).toFixed(1); onChange({ mb: +this.bias.value }, true); } });
    this.biasOut = h("output", { class: "st-out-val" });
    // A plain RNN has no gate to bias: hide the slider where the lesson fixes the cell to rnn.
    const showBias = show("memory_bias") && !(isLocked("cell") && state.cell === "rnn");

    const [seedLo, seedHi] = limits.seed;
    this.seed = h("input", { type: "number", min: seedLo, max: seedHi, step: 1, inputmode: "numeric",
      disabled: isLocked("seed"), onchange: () => {
        const v = Math.max(seedLo, Math.min(seedHi, Math.floor(+this.seed.value || 0)));
        onChange({ seed: v });
      } });
    const reseed = h("button", { type: "button", class: "st-icon-btn", disabled: isLocked("seed"),
      title: "Draw new random weights", "aria-label": "New random seed",
      onclick: () => onChange({ seed: Math.floor(Math.random() * 100000) }) }, icon("dice"));

    this.input = h("input", { type: "text", maxlength: limits.maxInput, spellcheck: "false", autocomplete: "off",
      disabled: isLocked("input"), class: "st-text" });
    this.inputNote = h("p", { class: "st-input-note", "aria-live": "polite" });
    const inputForm = h("form", { class: "st-input-form", onsubmit: (e) => { e.preventDefault(); this.submitInput(); } },
      this.input, h("button", { type: "submit", disabled: isLocked("input"), text: "Run" }));
    this.input.addEventListener("change", () => this.submitInput());

    this.el = h("div", { class: "st-controls" },
      show("cell") ? cellBox : null,
      show("hidden_size") ? field(h("span", {}, "Hidden units ", this.hiddenOut), this.hidden, { locked: isLocked("hidden_size") }) : null,
      show("weight_scale") ? field(h("span", {}, "Weight scale ", this.scaleOut), this.scale, { locked: isLocked("weight_scale"), hint: "multiplies W_hh" }) : null,
      showBias ? field(h("span", {}, "Memory bias ", this.biasOut), this.bias, { locked: isLocked("memory_bias"), hint: "opens the LSTM forget / GRU update gate" }) : null,
      show("seed") ? field("Seed", h("span", { class: "st-seed" }, this.seed, reseed), { locked: isLocked("seed"), target: this.seed }) : null,
      show("input") ? h("div", { class: "st-field st-input-field" },
        h("label", { for: this.input.id = uid("in") }, "Input sequence", isLocked("input") ? lockMark() : null),
        inputForm, this.inputNote) : null);
  }

  submitInput() {
    if (this.input.value === this.submitted) return; // "change" and "submit" both fire on Run
    const { text, changes } = sanitize(this.input.value);
    if (!text) {
      this.inputNote.textContent = "Type at least one letter, digit or space.";
      this.inputNote.classList.add("bad");
      return;
    }
    this.inputNote.classList.remove("bad");
    this.inputNote.textContent = changeNote(changes);
    this.input.value = text;
    this.submitted = text;
    this.onChange({ input: text });
  }

  /** Show `state` in the controls. */
  sync(state) {
    for (const input of this.cellInputs) input.checked = input.value === state.cell;
    this.hidden.value = state.H;
    this.hiddenOut.textContent = String(state.H);
    if (state.ws > +this.scale.max) this.scale.max = String(limits.weightScale[1]);
    this.scale.value = state.ws;
    this.scaleOut.textContent = state.ws.toFixed(2);
    this.bias.value = state.mb;
    this.biasOut.textContent = state.mb.toFixed(1);
    this.seed.value = state.seed;
    if (document.activeElement !== this.input) this.input.value = this.submitted = state.input;
  }
}
