// Text-first mode: every number of the current step as a table, and a sentence per step for
// screen readers ("Step 3 of 12, input r, ...").

import { fmt, h, pct, spoken } from "./dom.js";
import { limits } from "./limits.js";
import { ROW_TEXT, ROWS, rowValues } from "./run.js";
import { meterSentence } from "./sequence.js";

export class NumbersTable {
  constructor() {
    this.caption = h("caption");
    this.head = h("thead");
    this.body = h("tbody");
    this.table = h("table", { class: "st-table" }, this.caption, this.head, this.body);
    // It scrolls sideways on a phone: reachable by keyboard, named by the table's caption.
    this.wrap = h("div", { class: "st-table-wrap", tabindex: "0" }, this.table);
    this.hint = h("span", {
      class: "st-scroll-hint",
      "aria-hidden": "true",
      text: "scroll → for more columns",
      hidden: true,
    });
    this.el = h("div", { class: "st-table-box", hidden: true }, this.hint, this.wrap);
    // the hint shows while the table is wider than its box and not scrolled to the end
    const check = () => {
      const more = this.wrap.scrollWidth - this.wrap.clientWidth - this.wrap.scrollLeft > 2;
      if (this.hint.hidden === more) this.hint.hidden = !more;
    };
    this.wrap.addEventListener("scroll", check, { passive: true });
    new ResizeObserver(check).observe(this.wrap);
    this.checkScroll = check;
    this.shape = "";
  }

  build(cell, H) {
    const shape = `${cell}:${H}`;
    if (shape === this.shape) return;
    this.shape = shape;
    this.keys = ROWS[cell].map((r) => r[0]);
    this.head.replaceChildren(
      h(
        "tr",
        {},
        h("th", { scope: "col", text: "unit" }),
        this.keys.map((k) => h("th", { scope: "col", text: ROW_TEXT[k] })),
        h("th", { scope: "col", text: "change in h" }),
      ),
    );
    this.cells = [];
    this.body.replaceChildren(
      ...Array.from({ length: H }, (_, j) => {
        const tds = this.keys.map(() => h("td"));
        const change = h("td");
        this.cells.push([...tds, change]);
        return h("tr", {}, h("th", { scope: "row", text: String(j) }), tds, change);
      }),
    );
    requestAnimationFrame(() => this.checkScroll());
  }

  update(run, t) {
    if (this.el.hidden || !run) return;
    this.caption.textContent =
      `Step ${t + 1} of ${run.input.length}, input “${spoken(run.input[t])}”: ` +
      `all numbers (${limits.cellNames[run.cell]})`;
    const cols = this.keys.map((k) => rowValues(run, k, t));
    const before = rowValues(run, "hPrev", t);
    const after = run.h[t];
    this.cells.forEach((tds, j) => {
      cols.forEach((col, i) => {
        tds[i].textContent = fmt(col[j], 4);
        tds[i].title = String(col[j]);
      });
      const d = after[j] - before[j];
      tds[tds.length - 1].textContent = `${d >= 0 ? "rose" : "fell"} ${fmt(Math.abs(d), 4)}`;
    });
  }
}

/** Return the sentence announced after a step. */
export function announcement(run, t, unit, top) {
  const T = run.input.length;
  const before = t === 0 ? run.h0[unit] : run.h[t - 1][unit];
  const after = run.h[t][unit];
  const dir = after > before ? "rose" : after < before ? "fell" : "stayed";
  let s =
    `Step ${t + 1} of ${T}, input ${spoken(run.input[t])}. ` +
    `Unit ${unit} ${dir} from ${fmt(before, 3)} to ${fmt(after, 3)}.`;
  if (run.cell === "lstm")
    s += ` Forget gate ${fmt(run.gates.f[t][unit], 2)}, cell state ${fmt(run.c[t][unit], 3)}.`;
  if (run.cell === "gru") s += ` Update gate ${fmt(run.gates.z[t][unit], 2)}.`;
  if (run.influence && t > 0) s += ` ${meterSentence(run.input, t, run.influence[t]).text}`;
  if (top?.length)
    s += ` Top guess for the next character: ${spoken(top[0][0])}, ${pct(top[0][1])}.`;
  return s;
}
