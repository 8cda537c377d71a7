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
    this.el = h("div", { class: "st-seq" }, this.scroller, meterLegend(this.readout));
    this.input = "";
    this.current = -1;
  }

  build(input) {
    if (input === this.input) return;
    this.input = input;
    this.current = -1;
    this.items = [...input].map((ch, k) => {
      const tile = h("button", { type: "button", class: "st-tile", tabindex: "-1", dataset: { step: k } },
        h("span", { class: "st-tile-ch", text: glyph(ch) }),
        h("span", { class: "st-tile-meter" }),
        h("span", { class: "st-tile-diff" }));
      tile.addEventListener("click", () => this.onPick(k));
      this.tiles.append(h("li", {}, tile));
      return { tile, meter: tile.children[1], diff: tile.children[2] };
    });
    this.tiles.replaceChildren(...this.items.map((it) => it.tile.parentElement));
  }

  /** Paint step t: the meter row from influence[t] (may be null while loading) and the fork. */
  update(t, influenceRow, divergence, forkStep) {
    for (let k = 0; k < this.items.length; k++) {
      const { tile, meter, diff } = this.items[k];
      const past = k <= t;
      tile.classList.toggle("future", !past);
      tile.classList.toggle("now", k === t);
      tile.classList.toggle("forked", k === forkStep);
      if (past && influenceRow) {
        const v = influenceRow[k];
        const c = influenceColour(v);
        meter.style.background = c.fill;
        meter.classList.toggle("over", c.pos > 1);
        meter.dataset.value = String(v);
        tile.title = `Step ${k + 1} “${this.input[k]}”: still moves h at step ${t + 1} by ${sci(v)} (‖∂h_t/∂x_k‖)`;
      } else {
        meter.style.background = "";
        meter.classList.remove("over");
        delete meter.dataset.value;
        tile.title = past ? `Step ${k + 1} “${this.input[k]}”` : `Step ${k + 1} “${this.input[k]}”: not read yet`;
      }
      if (divergence) {
        const d = divergence[k];
        diff.style.transform = `scaleY(${Math.min(1, d / 2)})`;
        diff.hidden = false;
        diff.dataset.value = String(d);
      } else {
        diff.hidden = true;
      }
    }
    if (influenceRow) {
      this.readout.textContent = t > 0
        ? `First input “${glyph(this.input[0])}” still moves h at step ${t + 1} by ${sci(influenceRow[0])}; the current input by ${sci(influenceRow[t])}.`
        : `The current input moves h by ${sci(influenceRow[0])}.`;
    } else {
      this.readout.textContent = "";
    }
    if (t !== this.current) {
      this.current = t;
      this.keepInView(this.items[t]?.tile);
    }
  }

  keepInView(tile) {
    if (!tile) return;
    const box = this.scroller;
    const left = tile.offsetLeft - box.offsetLeft;
    if (left < box.scrollLeft || left + tile.offsetWidth > box.scrollLeft + box.clientWidth) {
      box.scrollLeft = left - box.clientWidth / 2;
    }
  }
}

/** Return the meter's legend: the log colour bar from 10^LOG_MIN to 10^LOG_MAX. */
export function meterLegend(readout) {
  const ticks = [];
  for (let e = LOG_MIN; e <= LOG_MAX; e++) {
    ticks.push(h("span", { text: e === LOG_MAX ? `${10 ** e}+` : e < 0 ? `1e−${-e}` : String(10 ** e) }));
  }
  return h("div", { class: "st-meter-legend" },
    h("span", { class: "st-legend-label" },
      h("strong", { text: "Memory meter " }),
      "how much each input still moves h", h("sub", { text: "t" }),
      " (‖∂h", h("sub", { text: "t" }), "/∂x", h("sub", { text: "k" }), "‖, log scale)"),
    h("span", { class: "st-meter-scale" },
      h("span", { class: "st-legend-bar bar-influence", role: "img",
        "aria-label": "Memory meter colours: pale for 0.0001 or less (forgotten), dark blue for 10 or more" }),
      h("span", { class: "st-meter-ticks", "aria-hidden": "true" }, ticks)),
    readout);
}
