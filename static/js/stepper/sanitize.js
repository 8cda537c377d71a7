// What the student types, made readable by the network: its vocabulary only, at most
// limits.maxInput characters; and a note that says exactly what was changed.

import { limits } from "./limits.js";

// Characters the network cannot read but that have an obvious stand-in.
const REPLACE = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201a": "'",
  "\u2032": "'",
  "`": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u201e": '"',
  "\u00ab": '"',
  "\u00bb": '"',
  "\u2013": "-",
  "\u2014": "-",
  "\u2212": "-",
  "\u2010": "-",
  "\u2011": "-",
  _: "-",
  "\u2026": "...",
  "[": "(",
  "]": ")",
  "{": "(",
  "}": ")",
};
// Letters that NFD does not split into a base letter and an accent.
const LETTERS = { ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ð: "d", þ: "th", ı: "i" };
const WHITESPACE_NAMES = {
  "\t": "tab",
  "\n": "line break",
  "\r": "line break",
  "\u00a0": "non-breaking space",
};

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
    if (vocab.has(ch)) {
      text += ch;
      continue;
    }
    const lower = ch.toLowerCase();
    if (lower.length === 1 && vocab.has(lower)) {
      text += lower;
      lowercased.add(ch);
      continue;
    }
    if (REPLACE[ch]) {
      text += REPLACE[ch];
      replaced.set(ch, REPLACE[ch]);
      continue;
    }
    if (/\s/.test(ch)) {
      text += " ";
      replaced.set(named(ch), "space");
      continue;
    }
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
    changes: {
      lowercased: [...lowercased],
      transliterated: [...transliterated],
      replaced: [...replaced],
      removed: [...removed],
      cut,
    },
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
    parts.push(
      `transliterated to plain letters ${quoteList(transliterated.map(([a, b]) => `${a} → ${b}`))}`,
    );
  }
  if (replaced.length) parts.push(`replaced ${quoteList(replaced.map(([a, b]) => `${a} → ${b}`))}`);
  if (removed.length) parts.push(`removed ${quoteList(removed.map(named))}`);
  if (cut)
    parts.push(`cut the last ${cut} character${cut === 1 ? "" : "s"} (at most ${limits.maxInput})`);
  if (!parts.length) return "";
  const reads = "lowercase letters, digits, spaces and . , ; : ! ? ' \" - ( )";
  return `Changed your input: ${parts.join("; ")}. The network reads only ${reads}`;
}
