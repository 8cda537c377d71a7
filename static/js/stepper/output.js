// The readout: the five most likely next characters at this step, under untrained weights (or
// the weights of a network the student trained).

const UNTRAINED =
  "Untrained weights: predictions are random until trained. " +
  "Try the Train view to see a network learn.";
const TRAINED = "Trained weights: these guesses are what the network learnt from the lesson text.";

import { glyph, h, pct, spoken } from "./dom.js";
import { topK } from "./run.js";

export class Predictions {
  /** open: the disclosure starts open (folded on a phone: secondary to the state cells). */
  constructor({ open }) {
    this.list = h("ol", { class: "st-probs" });
    this.rows = Array.from({ length: 5 }, () => {
      const ch = h("code", { class: "st-prob-ch" });
      const bar = h("span", { class: "st-prob-bar" });
      const val = h("span", { class: "st-prob-val" });
      const li = h("li", {}, ch, h("span", { class: "st-prob-track" }, bar), val);
      this.list.append(li);
      return { li, ch, bar, val };
    });
    this.note = h("p", { class: "st-note", text: UNTRAINED });
    this.el = h(
      "details",
      { class: "st-out st-fold", open },
      h(
        "summary",
        {},
        h("span", { class: "st-fold-title", text: "Top 5 guesses for the next character" }),
      ),
      this.list,
      this.note,
    );
  }

  /** Paint step t's top 5; `next` is the actual next input character (or undefined). */
  update(run, t) {
    if (!run) return;
    this.note.textContent = run.network && run.trained ? TRAINED : UNTRAINED;
    const probs = run.probs[t];
    const next = run.input[t + 1];
    const top = topK(probs, 5);
    const max = probs[top[0]];
    top.forEach((i, r) => {
      const row = this.rows[r];
      const ch = run.vocab[i];
      row.ch.textContent = glyph(ch);
      row.bar.style.width = `${(probs[i] / max) * 100}%`;
      row.val.textContent = pct(probs[i]);
      row.li.title = `P(next = ${spoken(ch)}) = ${probs[i]}`; // exact, for the mouse
      // a screen reader hears the rounded share, as the bar shows it
      row.li.setAttribute("aria-label", `${spoken(ch)}: ${pct(probs[i])}`);
      row.li.dataset.value = String(probs[i]);
      row.li.classList.toggle("actual", ch === next);
    });
    this.top = top.map((i) => [run.vocab[i], probs[i]]);
  }
}
