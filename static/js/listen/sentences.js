// The narrated sections as a list of sentences, each wrapped in <span class="listen-s"> on the
// page (so it can be highlighted and clicked) and paired with the words to say.
//
// Only prose is read: widgets, forms, code, tables and the like are skipped, and math is
// spoken from its alttext (the LaTeX source the server puts there).

import { mathSpeech } from "./mathspeech.js";

const SKIP =
  ".widget, form, pre, code, table, figure, img, svg, button, input, select, textarea, " +
  "script, style, template, .quiz, .dilemmas, .coming-soon, .math-error, [hidden], " +
  "[aria-hidden='true'], .listen, .section-check";
// Elements that end a sentence's run of text: a sentence never spans two of them.
const BLOCKS = new Set(
  (
    "P LI UL OL DL DT DD H1 H2 H3 H4 H5 H6 BLOCKQUOTE DIV SECTION ARTICLE ASIDE HEADER FOOTER " +
    "DETAILS SUMMARY FIGCAPTION HR BR"
  ).split(" "),
);
const OBJECT = "\uFFFC"; // stands for a math element while the text is cut into sentences

/**
 * Return the runs of inline content of `root`, one per block: arrays of text nodes and math
 * elements in reading order.
 */
function blocksOf(root) {
  const blocks = [];
  let run = [];
  const flush = () => {
    if (run.some((n) => n.nodeType !== Node.TEXT_NODE || n.data.trim())) blocks.push(run);
    run = [];
  };
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) run.push(child);
      else if (child.nodeType !== Node.ELEMENT_NODE || child.matches(SKIP)) continue;
      else if (child.localName === "math") run.push(child);
      else if (BLOCKS.has(child.tagName)) {
        flush();
        walk(child);
        flush();
      } else walk(child);
    }
  };
  walk(root);
  flush();
  return blocks;
}

/** Return [start, end) offsets of the sentences of `text` (whitespace trimmed off). */
function sentenceRanges(text, lang) {
  const cuts = [];
  if (typeof Intl.Segmenter === "function") {
    for (const s of new Intl.Segmenter(lang, { granularity: "sentence" }).segment(text)) {
      cuts.push([s.index, s.index + s.segment.length]);
    }
  } else {
    // An end mark, closing quotes or brackets, spaces, then something that can start a sentence.
    const end = /[.!?…]["'”’)\]]*\s+(?=["“‘'([]?[A-Z0-9\uFFFC])/g;
    let from = 0;
    for (const m of text.matchAll(end)) {
      cuts.push([from, m.index + m[0].length]);
      from = m.index + m[0].length;
    }
    cuts.push([from, text.length]);
  }
  return cuts
    .map(([a, b]) => {
      while (a < b && /\s/.test(text[a])) a++;
      while (b > a && /\s/.test(text[b - 1])) b--;
      return [a, b];
    })
    .filter(([a, b]) => /[\p{L}\p{N}\uFFFC]/u.test(text.slice(a, b)));
}

/** Return the words a voice should say for a math element: the author's (the lesson's `say:`)
 *  or the LaTeX alttext spelled out. */
function spokenMath(math) {
  const said = math.getAttribute("data-say");
  if (said) return said;
  const alt = math.getAttribute("alttext");
  return alt ? mathSpeech(alt) : "a formula";
}

/**
 * Cut the sections into sentences and wrap each on the page; return them in reading order:
 * {section, index, text, spans}, `section` being the position in `sections`.
 */
export function wrapSentences(sections, lang) {
  const sentences = [];
  const cuts = new Map(); // text node -> [[from, to, sentence], ...]
  sections.forEach((section, sectionIndex) => {
    for (const block of blocksOf(section)) {
      // Each node's offsets in the block's text, where a math element is one character.
      const spans = [];
      let text = "";
      for (const node of block) {
        const piece = node.nodeType === Node.TEXT_NODE ? node.data : OBJECT;
        spans.push([node, text.length, text.length + piece.length]);
        // A line break inside a paragraph is a space, not the end of a sentence.
        text += piece.replace(/\s/g, " ");
      }
      for (const [a, b] of sentenceRanges(text, lang)) {
        const sentence = { section: sectionIndex, index: sentences.length, text: "", spans: [] };
        const words = [];
        for (const [node, start, end] of spans) {
          if (end <= a || start >= b) continue;
          if (node.nodeType !== Node.TEXT_NODE) {
            words.push(` ${spokenMath(node)} `);
            sentence.spans.push(wrap(node, sentence.index));
            continue;
          }
          const from = Math.max(a, start) - start;
          const to = Math.min(b, end) - start;
          words.push(node.data.slice(from, to));
          if (!cuts.has(node)) cuts.set(node, []);
          cuts.get(node).push([from, to, sentence]);
        }
        sentence.text = words
          .join("")
          .replace(/\s+/g, " ")
          .replace(/ ([,.;:!?])/g, "$1")
          .trim();
        sentences.push(sentence);
      }
    }
  });
  for (const [node, pieces] of cuts) splitText(node, pieces);
  // Spans were added per text node; put each sentence's spans back in reading order.
  const after = Node.DOCUMENT_POSITION_FOLLOWING;
  const inOrder = (x, y) => (x.compareDocumentPosition(y) & after ? -1 : 1);
  for (const s of sentences) s.spans.sort(inOrder);
  return sentences;
}

/** Wrap a math element in a sentence span; return the span. */
function wrap(el, index) {
  const span = sentenceSpan(index);
  el.replaceWith(span);
  span.append(el);
  return span;
}

function sentenceSpan(index) {
  const span = document.createElement("span");
  span.className = "listen-s";
  span.dataset.s = String(index);
  return span;
}

/** Replace a text node by its pieces, each sentence's part in its own span. */
function splitText(node, pieces) {
  const parts = [];
  let at = 0;
  for (const [from, to, sentence] of pieces.sort((x, y) => x[0] - y[0])) {
    if (from > at) parts.push(document.createTextNode(node.data.slice(at, from)));
    const span = sentenceSpan(sentence.index);
    span.textContent = node.data.slice(from, to);
    sentence.spans.push(span);
    parts.push(span);
    at = to;
  }
  if (at < node.data.length) parts.push(document.createTextNode(node.data.slice(at)));
  node.replaceWith(...parts);
}
