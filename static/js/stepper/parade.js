// The parade: RNN, LSTM and GRU lanes on the same input, stepping together. Floats pass the
// viewer; each earlier float's size and opacity show how much it still moves that lane's h_t.

import { chartLegend, LineChart } from "./chart.js";
import { CELL_COLOURS, CELL_DASH, influence as influenceColour } from "./colors.js";
import { glyph, h } from "./dom.js";
import { sigmoid } from "./equation.js";
import { limits } from "./limits.js";
import { ratioText } from "./sequence.js";

const FLOAT_W = 38; // px between float centres
// The lanes of a kept trained network (fetching.js TRAINED_LANES): after and before training.
const TRAINED_LANES = {
  trained: { name: "Trained", colour: CELL_COLOURS.lstm, dash: [] },
  before: { name: "Before training", colour: CELL_COLOURS.rnn, dash: [6, 3] },
};
/** Return how lane `lane` (a cell, or a trained network's lane) is named and drawn. */
const laneLook = (lane) =>
  TRAINED_LANES[lane] ?? {
    name: limits.cellNames[lane],
    colour: CELL_COLOURS[lane],
    dash: CELL_DASH[lane],
  };
const FLOOR = 1e-30; // the chart's lowest value: below this the float is long gone

export class Parade {
  /** onPickCell(cell) when a lane's name is pressed (null: the cell is locked). */
  constructor({ onPickCell, onPick }) {
    this.onPickCell = onPickCell;
    this.onPick = onPick;
    this.lanesEl = h("div", { class: "st-lanes" });
    this.chart = new LineChart({
      label: "Influence of the first float on each lane's h_t, step by step (log scale)",
      xLabel: "step",
      yLabel: "‖∂hₜ/∂x₁‖",
      yLog: true,
      height: 170,
    });
    this.legendEl = h("div");
    this.chartBox = h(
      "figure",
      { class: "st-first" },
      h("figcaption", {
        text: "Who still remembers the first float? Its influence on h at each step (log scale).",
      }),
      this.chart.canvas,
      this.legendEl,
    );
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
      this.legendEl.replaceChildren(
        chartLegend(
          cells.map((c) => ({
            colour: laneLook(c).colour,
            dash: laneLook(c).dash,
            dotted: c === "gru",
            label: laneLook(c).name,
          })),
        ),
      );
      this.t = -1;
      this.place();
    }
    for (const l of this.lanes) {
      l.el.classList.toggle("focus", l.cell === focus);
      if (l.name.tagName === "BUTTON")
        l.name.setAttribute("aria-pressed", String(l.cell === focus));
    }
  }

  lane(cell, input, locked) {
    const text = laneLook(cell).name;
    const name = locked
      ? h("span", { class: "st-lane-name", text })
      : h("button", {
          type: "button",
          class: "st-lane-name",
          text,
          title: `Show the ${text}'s numbers below`,
          onclick: () => this.onPickCell(cell),
        });
    name.style.setProperty("--lane", laneLook(cell).colour);
    const floats = [...input].map((ch, k) => {
      const f = h(
        "span",
        { class: "st-float", dataset: { step: k } },
        h("span", { text: glyph(ch) }),
      );
      f.style.left = `${k * FLOAT_W}px`;
      f.addEventListener("click", () => this.onPick(k));
      return f;
    });
    const track = h("div", { class: "st-track" }, floats);
    const viewer = h("span", { class: "st-viewer", title: "You are here: the present step" });
    const road = h("div", { class: "st-road", "aria-hidden": "true" }, track, viewer);
    const read = h("span", { class: "st-lane-read" });
    const el = h("div", { class: "st-lane", dataset: { cell } }, name, road, read);
    return { cell, el, name, road, track, floats, read, viewer };
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
    // The present float rides at the viewer (78% along) once the parade has filled the road;
    // before that the first float starts at the left edge and the present walks up to it.
    const viewer = Math.min(this.roadWidth * 0.78, (t + 0.5) * FLOAT_W + 6);
    const behind = Math.ceil(viewer / FLOAT_W) + 1;
    const ahead = Math.ceil((this.roadWidth - viewer) / FLOAT_W) + 1;
    const lo = Math.max(0, Math.min(t, from) - behind);
    const hi = Math.min(this.input.length - 1, Math.max(t, from) + ahead);
    for (const lane of this.lanes) {
      const run = runs?.[lane.cell];
      const row = run?.influence?.[t];
      if (moved) {
        lane.track.style.transform = `translateX(${Math.round(viewer - (t + 0.5) * FLOAT_W)}px)`;
        lane.viewer.style.transform = `translateX(${Math.round(viewer)}px)`;
      }
      for (let k = force ? 0 : lo; k <= (force ? lane.floats.length - 1 : hi); k++) {
        const f = lane.floats[k];
        f.classList.toggle("future", k > t);
        f.classList.toggle("now", k === t);
        if (k > t || !row) {
          f.style.opacity = "";
          f.style.transform = "";
          f.style.backgroundColor = "";
          f.style.color = "";
          delete f.dataset.value;
          continue;
        }
        const v = row[k];
        const c = influenceColour(v);
        const p = Math.max(0, Math.min(1, c.pos));
        f.style.opacity = String(0.12 + 0.88 * p);
        const scale = 0.5 + 0.5 * p + Math.min(0.25, Math.max(0, c.pos - 1));
        f.style.transform = `scale(${scale.toFixed(3)})`;
        f.style.backgroundColor = c.fill;
        f.style.color = c.ink;
        f.dataset.value = String(v);
      }
      lane.read.textContent = row
        ? t > 0
          ? `first float: ${ratioText(row[0] / row[t])} much as the newest`
          : "the first float"
        : run
          ? "computing…"
          : "…";
      lane.read.title = row
        ? "How strongly the first float still moves this lane's h_t, against the newest " +
          `float: ‖∂h_t/∂x_1‖ = ${row[0]}, ‖∂h_t/∂x_t‖ = ${row[t]} (the change in h_t per ` +
          "unit change of that input, a Jacobian norm)"
        : "The memory meter is being computed";
    }
    if (runs) this.drawChart(t);
  }

  drawChart(t) {
    if (!this.series) {
      this.series = this.lanes
        .filter((l) => this.runs[l.cell]?.influence)
        .map((l) => ({
          colour: laneLook(l.cell).colour,
          dash: laneLook(l.cell).dash,
          width: l.cell === this.focus ? 3 : 2,
          points: this.runs[l.cell].influence.map((row, s) => [s + 1, Math.max(FLOOR, row[0])]),
        }));
      this.chart.draw({ series: this.series });
    }
    this.chart.mark(
      t + 1,
      this.series.map((s) => ({ colour: s.colour, y: s.points[t][1] })),
    );
  }
}

/** The memory bias that opens untrained gates: f = σ(0 + 3) ≈ 0.95 instead of σ(0) = 0.5. */
export const REMEMBERING_BIAS = 3;
const STILL_THERE = ", and the first float is still there at the end of the parade";

const mean = (rows) => {
  let sum = 0;
  let n = 0;
  for (const row of rows)
    for (const v of row) {
      sum += v;
      n += 1;
    }
  return n ? sum / n : NaN;
};

/**
 * Why untrained gated cells forget, and one click to give them the head start LSTMs are
 * usually initialized with: memory bias 3 (added to the LSTM forget / GRU update gate bias).
 */
export class MemoryHint {
  /** onBias(value) sets the widget's memory bias; open: the explanation starts open. */
  constructor({ onBias, open }) {
    this.text = h("p", { class: "st-memory-text" });
    this.gates = h("p", { class: "st-memory-gates" });
    this.button = h("button", {
      type: "button",
      class: "st-memory-btn",
      text: `Start the gates remembering (memory bias ${REMEMBERING_BIAS})`,
      onclick: () => onBias(this.remembering ? 0 : REMEMBERING_BIAS),
    });
    this.summary = h("summary", { text: "Why does the LSTM forget almost as fast as the RNN?" });
    this.why = h("details", { class: "st-memory-why", open }, this.summary, this.text, this.gates);
    this.el = h(
      "section",
      { class: "st-memory", "aria-label": "Why gated cells forget before training" },
      this.why,
      this.button,
    );
  }

  /** Explain memory bias `mb` with the runs' real average gates (runs: cell -> trace). */
  update(mb, runs) {
    this.remembering = mb >= REMEMBERING_BIAS;
    const gate = sigmoid(mb); // the keep gate's value before the input moves it
    const sig = `σ(${mb}) ≈ ${gate.toFixed(2)}`;
    const keeps = `${Math.round(gate * 100)}%`;
    this.el.classList.toggle("on", mb > 0);
    this.el.dataset.bias = String(mb);
    this.summary.textContent =
      mb > 0
        ? `The gates start out ${this.remembering ? "remembering" : "half open"}.`
        : "Why does the LSTM forget almost as fast as the RNN?";
    this.text.innerHTML =
      mb > 0
        ? `Memory bias ${mb} is added to the bias of the LSTM's forget gate and the GRU's ` +
          `update gate, so they start near ${sig}: each step keeps about ${keeps} of the old ` +
          `memory${this.remembering ? STILL_THERE : ""}. ` +
          "The RNN has no gate to open: it forgets as before. Over a long parade, training " +
          "rarely finds this by itself (the gradient that would open the gate fades before it " +
          "arrives), which is why gated cells are usually started with a positive bias."
        : "These weights are untrained. With PyTorch's starting weights the forget gate (and " +
          `the GRU's update gate) sits near ${sig}, so each step keeps only about ${keeps} of ` +
          "the memory, and after twenty steps almost nothing of the first float is left. " +
          "Gates help only once they are open, which is why their bias usually starts positive.";
    this.button.textContent = this.remembering
      ? "Back to untrained gates (memory bias 0)"
      : `Start the gates remembering (memory bias ${REMEMBERING_BIAS})`;
    const parts = [];
    if (runs?.lstm) parts.push(["lstm", "the LSTM's forget gate f", mean(runs.lstm.gates.f)]);
    if (runs?.gru) parts.push(["gru", "the GRU's update gate z", mean(runs.gru.gates.z)]);
    this.gates.replaceChildren(
      ...(parts.length
        ? [
            "In this parade ",
            ...parts.flatMap(([cell, name, avg], i) => [
              i ? " and " : "",
              h("span", {
                dataset: { gate: cell, value: avg },
                text: `${name} averages ${avg.toFixed(2)}`,
              }),
            ]),
            ".",
          ]
        : []),
    );
  }
}
