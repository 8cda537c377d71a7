// The parade: RNN, LSTM and GRU lanes on the same input, stepping together. Floats pass the
// viewer; each earlier float's size and opacity show how much it still moves that lane's h_t.

import { CELL_COLOURS, CELL_DASH, influence as influenceColour } from "./colors.js";
import { LineChart, chartLegend } from "./chart.js";
import { glyph, h, sci } from "./dom.js";

export const CELL_NAMES = { rnn: "RNN", lstm: "LSTM", gru: "GRU" };
const FLOAT_W = 38; // px between float centres
const FLOOR = 1e-30; // the chart's lowest value: below this the float is long gone

export class Parade {
  /** onPickCell(cell) when a lane's name is pressed (null: the cell is locked). */
  constructor({ onPickCell, onPick }) {
    this.onPickCell = onPickCell;
    this.onPick = onPick;
    this.lanesEl = h("div", { class: "st-lanes" });
    this.chart = new LineChart({
      label: "Influence of the first float on each lane's h_t, step by step (log scale)",
      xLabel: "step", yLabel: "‖∂h_t/∂x_1‖", yLog: true, height: 170,
    });
    this.legendEl = h("div");
    this.chartBox = h("figure", { class: "st-first" },
      h("figcaption", { text: "Who still remembers the first float? Its influence on h at each step (log scale)." }),
      this.chart.canvas, this.legendEl);
    this.el = h("div", { class: "st-parade" }, this.lanesEl, this.chartBox);
    this.key = "";
    this.roadWidth = 0;
    new ResizeObserver(() => this.place()).observe(this.lanesEl);
  }

  /** Build one lane per cell in `cells`; `focus` is the cell whose details are shown below. */
  build(input, cells, focus, locked) {
    const key = `${input}|${cells.join(",")}|${locked}`;
    this.focus = focus;
    this.series = null;
    if (key !== this.key) {
      this.key = key;
      this.input = input;
      this.lanes = cells.map((cell) => this.lane(cell, input, locked));
      this.lanesEl.replaceChildren(...this.lanes.map((l) => l.el));
      this.legendEl.replaceChildren(chartLegend(cells.map((c) => ({
        colour: CELL_COLOURS[c], dash: CELL_DASH[c], dotted: c === "gru", label: CELL_NAMES[c] }))));
      this.t = -1;
      this.place();
    }
    for (const l of this.lanes) {
      l.el.classList.toggle("focus", l.cell === focus);
      l.name.setAttribute("aria-pressed", String(l.cell === focus));
    }
  }

  lane(cell, input, locked) {
    const name = locked
      ? h("span", { class: "st-lane-name", text: CELL_NAMES[cell] })
      : h("button", { type: "button", class: "st-lane-name", text: CELL_NAMES[cell],
        title: `Show the ${CELL_NAMES[cell]}'s numbers below`, onclick: () => this.onPickCell(cell) });
    name.style.setProperty("--lane", CELL_COLOURS[cell]);
    const floats = [...input].map((ch, k) => {
      const f = h("span", { class: "st-float", dataset: { step: k } }, h("span", { text: glyph(ch) }));
      f.style.left = `${k * FLOAT_W}px`;
      f.addEventListener("click", () => this.onPick(k));
      return f;
    });
    const track = h("div", { class: "st-track" }, floats);
    const road = h("div", { class: "st-road", "aria-hidden": "true" }, track,
      h("span", { class: "st-viewer", title: "You are here: the present step" }));
    const read = h("span", { class: "st-lane-read" });
    const el = h("div", { class: "st-lane", dataset: { cell } }, name, road, read);
    return { cell, el, name, road, track, floats, read };
  }

  /** Re-centre the tracks when the lanes change width (read here, never during a step). */
  place() {
    this.roadWidth = this.lanes?.[0]?.road.clientWidth || 0;
    if (this.t >= 0) this.update(this.t, this.runs, true);
  }

  /** Paint step t; runs maps cell -> trace (with influence), or is missing while loading. */
  update(t, runs, force = false) {
    if (runs !== this.runs) {
      this.series = null;
      force = true; // new numbers: repaint every float once, in sight or not
    }
    this.runs = runs;
    const moved = t !== this.t || force;
    const from = this.t;
    this.t = t;
    // Only floats on (or about to enter) the road are painted: the rest are out of sight.
    const viewer = this.roadWidth * 0.78;
    const behind = Math.ceil(viewer / FLOAT_W) + 1;
    const ahead = Math.ceil((this.roadWidth - viewer) / FLOAT_W) + 1;
    const lo = Math.max(0, Math.min(t, from) - behind);
    const hi = Math.min(this.input.length - 1, Math.max(t, from) + ahead);
    for (const lane of this.lanes) {
      const run = runs?.[lane.cell];
      const row = run?.influence?.[t];
      if (moved) {
        lane.track.style.transform = `translateX(${Math.round(viewer - (t + 0.5) * FLOAT_W)}px)`;
      }
      for (let k = force ? 0 : lo; k <= (force ? lane.floats.length - 1 : hi); k++) {
        const f = lane.floats[k];
        f.classList.toggle("future", k > t);
        f.classList.toggle("now", k === t);
        if (k > t || !row) {
          f.style.opacity = "";
          f.style.transform = "";
          f.style.background = "";
          f.style.color = "";
          delete f.dataset.value;
          continue;
        }
        const v = row[k];
        const c = influenceColour(v);
        const p = Math.max(0, Math.min(1, c.pos));
        f.style.opacity = String(0.12 + 0.88 * p);
        f.style.transform = `scale(${(0.5 + 0.5 * p + Math.min(0.25, Math.max(0, c.pos - 1))).toFixed(3)})`;
        f.style.background = c.fill;
        f.style.color = c.ink;
        f.dataset.value = String(v);
      }
      lane.read.textContent = row ? (t > 0 ? `first float: ${sci(row[0])}` : "the first float") : "…";
      lane.read.title = "How much the first float still moves this lane's h_t (‖∂h_t/∂x_1‖)";
    }
    if (runs) this.drawChart(t);
  }

  drawChart(t) {
    if (!this.series) {
      this.series = this.lanes.filter((l) => this.runs[l.cell]?.influence).map((l) => ({
        colour: CELL_COLOURS[l.cell],
        dash: CELL_DASH[l.cell],
        width: l.cell === this.focus ? 3 : 2,
        points: this.runs[l.cell].influence.map((row, s) => [s + 1, Math.max(FLOOR, row[0])]),
      }));
      this.chart.draw({ series: this.series });
    }
    this.chart.mark(t + 1, this.series.map((s) => ({ colour: s.colour, y: s.points[t][1] })));
  }
}
