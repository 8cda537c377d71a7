// The readout: the five most likely next characters at this step, under untrained weights.

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
    this.el = h(
      "details",
      { class: "st-out st-fold", open },
      h(
        "summary",
        {},
        h("span", { class: "st-fold-title", text: "Top 5 guesses for the next character" }),
      ),
      this.list,
      h("p", {
        class: "st-note",
        text:
          "Untrained weights: predictions are random until trained. " +
          "Try the Train view to see a network learn.",
      }),
    );
  }

  /** Paint step t's top 5; `next` is the actual next input character (or undefined). */
  update(run, t) {
    if (!run) return;
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
      row.li.title = `P(next = ${spoken(ch)}) = ${probs[i]}`;
      row.li.dataset.value = String(probs[i]);
      row.li.classList.toggle("actual", ch === next);
    });
    this.top = top.map((i) => [run.vocab[i], probs[i]]);
  }
}
