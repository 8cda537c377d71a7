// The input sequence as a strip of tiles; under the current step, the memory meter colours each
// earlier tile by how much it still moves h_t: influence[t][k] = ||∂h_t/∂x_k||, log scale.

import { influence as influenceColour, LOG_MAX, LOG_MIN } from "./colors.js";
import { glyph, h, sci } from "./dom.js";

export class SequenceStrip {
  constructor({ onPick }) {
    this.onPick = onPick;
    this.tiles = h("ol", { class: "st-tiles", "aria-label": "Input sequence and memory meter" });
    this.scroller = h("div", { class: "st-seq-scroll" }, this.tiles);
    this.readout = h("span", { class: "st-meter-read" });
    this.forkKey = h(
      "p",
      { class: "st-fork-key", hidden: true },
      h("span", { class: "st-fork-swatch", "aria-hidden": "true" }),
      "Purple bars: how far the edited run's h is from the original at each step " +
        "(‖Δh‖; full height = 2). " +
        "The outlined tile is the first edited step.",
    );
    this.el = h("div", { class: "st-seq" }, this.scroller, this.forkKey, meterLegend(this.readout));
    this.input = "";
    this.current = -1;
    this.scroller.addEventListener(
      "scroll",
      () => {
        this.scrollX = this.scroller.scrollLeft;
      },
      { passive: true },
    );
    new ResizeObserver(() => {
      this.pitch = 0;
    }).observe(this.scroller);
    this.tiles.addEventListener("mouseover", (e) => {
      const tile = e.target.closest?.(".st-tile");
      if (tile) tile.title = this.tooltip(+tile.dataset.step);
    });
  }

  tooltip(k) {
    const t = this.current;
    const ch = this.input[k];
    if (k > t) return `Step ${k + 1} “${ch}”: not read yet`;
    const v = this.items[k].meter.dataset.value;
    return v == null
      ? `Step ${k + 1} “${ch}”`
      : `Step ${k + 1} “${ch}”: still moves h at step ${t + 1} by ${sci(+v)} (‖∂h_t/∂x_k‖)`;
  }

  build(input) {
    if (input === this.input) return;
    this.input = input;
    this.current = -1;
    this.pitch = 0;
    this.items = [...input].map((ch, k) => {
      const tile = h(
        "button",
        { type: "button", class: "st-tile", tabindex: "-1", dataset: { step: k } },
        h("span", { class: "st-tile-ch", text: glyph(ch) }),
        h("span", { class: "st-tile-meter" }),
        h("span", { class: "st-tile-diff" }),
      );
      tile.addEventListener("click", () => this.onPick(k));
      this.tiles.append(h("li", {}, tile));
      // fill, over, forked, diff: what the tile shows now (written only when it changes)
      const meter = tile.children[1];
      return { tile, meter, diff: tile.children[2], fill: "", over: false, forked: false, d: null };
    });
    this.tiles.replaceChildren(...this.items.map((it) => it.tile.parentElement));
  }

  /** Paint step t: the meter row from influence[t] (null while it computes) and the fork. */
  update(t, influenceRow, divergence, forkStep, pending = false) {
    const from = this.current;
    for (let k = 0; k < this.items.length; k++) {
      const it = this.items[k];
      const { tile, meter, diff } = it;
      const past = k <= t;
      // classes change only between the old and the new step (and on a fresh strip)
      if (from < 0 || (k >= Math.min(from, t) && k <= Math.max(from, t))) {
        tile.classList.toggle("future", !past);
        tile.classList.toggle("now", k === t);
      }
      if (it.forked !== (k === forkStep)) {
        it.forked = k === forkStep;
        tile.classList.toggle("forked", it.forked);
      }
      if (past && influenceRow) {
        const v = influenceRow[k];
        const c = influenceColour(v);
        if (c.fill !== it.fill) {
          meter.style.backgroundColor = c.fill;
          it.fill = c.fill;
        }
        if (it.over !== c.pos > 1) {
          it.over = c.pos > 1;
          meter.classList.toggle("over", it.over);
        }
        meter.dataset.value = String(v);
      } else if (it.fill) {
        meter.style.backgroundColor = "";
        meter.classList.remove("over");
        delete meter.dataset.value;
        Object.assign(it, { fill: "", over: false });
      }
      if (divergence) {
        const d = divergence[k];
        const scale = `scaleY(${Math.min(1, d / 2)})`;
        if (scale !== it.d) {
          diff.style.transform = scale;
          it.d = scale;
        }
        diff.hidden = false;
        diff.dataset.value = String(d);
      } else if (it.d !== "") {
        diff.hidden = true; // a fresh tile (null) too
        it.d = "";
      }
    }
    this.forkKey.hidden = !divergence;
    const read = influenceRow ? meterSentence(this.input, t, influenceRow) : null;
    this.readout.textContent = read ? read.text : pending ? "Computing the memory meter…" : "";
    this.readout.title = read ? read.exact : "";
    this.readout.classList.toggle("pending", !read && pending);
    if (read) this.readout.dataset.ratio = String(read.ratio);
    else delete this.readout.dataset.ratio;
    if (t !== this.current) {
      this.current = t;
      this.keepInView(t);
    }
  }

  /** Scroll the strip so step k shows, from cached geometry (no layout reads mid-step). */
  keepInView(k) {
    if (!this.pitch) this.measure();
    const left = k * this.pitch;
    if (left < this.scrollX || left + this.pitch > this.scrollX + this.viewWidth) {
      this.scroller.scrollLeft = left - this.viewWidth / 2;
    }
  }

  measure() {
    const a = this.items[0]?.tile;
    const b = this.items[1]?.tile;
    this.pitch = a && b ? b.getBoundingClientRect().left - a.getBoundingClientRect().left : 0;
    this.viewWidth = this.scroller.clientWidth;
    this.scrollX = this.scroller.scrollLeft;
  }
}

/** Return "1/1,000", "1/2.5" or "3.2 times": how the first input's influence compares. */
export function ratioText(r) {
  if (!(r > 0)) return "none";
  if (!Number.isFinite(r)) return "far more than";
  if (r >= 1) return r < 1.05 ? "about as" : `${r < 10 ? r.toFixed(1) : sig(r)} times as`;
  if (r > 1 / 1.05) return "about as";
  const d = 1 / r;
  return `1/${d < 10 ? d.toFixed(1).replace(/\.0$/, "") : sig(d)} as`;
}

/** Return d with two significant digits, written out to a million, then as 4.2e+9. */
function sig(d) {
  if (d < 1e6) return Math.round(+d.toPrecision(2)).toLocaleString("en-US");
  if (d < 1e9) return `${+(d / 1e6).toPrecision(2)} million`;
  return sci(d);
}

/**
 * Return the meter in words at step t: {text, exact (a tooltip), ratio}. The number behind it,
 * ‖∂h_t/∂x_k‖, is how far h_t would move per unit nudge of input k (a Jacobian norm); what
 * a student can read is the first input's share relative to the newest one's.
 */
export function meterSentence(input, t, row) {
  const first = row[0];
  const now = row[t];
  if (t === 0) {
    return {
      ratio: 1,
      text:
        "Only one input read so far: the first float is the newest. " +
        `Nudging it by one unit would move h₁ by ${sci(first)}.`,
      exact:
        `‖∂h₁/∂x₁‖ = ${first}: the size of the change in h₁ per unit change of x₁ ` +
        "(a Jacobian norm).",
    };
  }
  const ratio = now > 0 ? first / now : Infinity;
  const text =
    first === 0
      ? `The first float “${glyph(input[0])}” no longer moves h at all at step ${t + 1}: ` +
        "it is forgotten."
      : `At step ${t + 1} the first float “${glyph(input[0])}” is ${ratioText(ratio)} ` +
        `influential as the newest, “${glyph(input[t])}”.`;
  return {
    ratio,
    text,
    exact:
      `Influence = the size of the change in h_t per unit change of an input (a Jacobian norm). ` +
      `First input: ‖∂h${sub(t + 1)}/∂x₁‖ = ${first}; ` +
      `newest: ‖∂h${sub(t + 1)}/∂x${sub(t + 1)}‖ = ${now}.`,
  };
}

const SUBS = "₀₁₂₃₄₅₆₇₈₉";
/** Return n in Unicode subscript digits: 12 → ₁₂. */
export const sub = (n) => String(n).replace(/\d/g, (d) => SUBS[+d]);

/** Return the meter's legend: the log colour bar from 10^LOG_MIN to 10^LOG_MAX. */
export function meterLegend(readout) {
  const ticks = [];
  for (let e = LOG_MIN; e <= LOG_MAX; e++) {
    ticks.push(
      h("span", { text: e === LOG_MAX ? `${10 ** e}+` : e < 0 ? `1e−${-e}` : String(10 ** e) }),
    );
  }
  return h(
    "div",
    { class: "st-meter-legend" },
    h(
      "span",
      { class: "st-legend-label" },
      h("strong", { text: "Memory meter " }),
      "how strongly each input still moves h",
      h("sub", { text: "t" }),
      ": if that input were nudged by one unit, how far h",
      h("sub", { text: "t" }),
      " would move (‖∂h",
      h("sub", { text: "t" }),
      "/∂x",
      h("sub", { text: "k" }),
      "‖, a Jacobian norm; log scale)",
    ),
    h(
      "span",
      { class: "st-meter-scale" },
      h("span", {
        class: "st-legend-bar bar-influence",
        role: "img",
        "aria-label":
          "Memory meter colours: pale for 0.0001 or less (forgotten), dark blue for 10 or more",
      }),
      h("span", { class: "st-meter-ticks", "aria-hidden": "true" }, ticks),
    ),
    readout,
  );
}
