// What a training run shows: loss, gradient norm and accuracy curves of the latest runs with
// samples of generated text; and the preset's final accuracy against the parade length.

import { chartLegend, LineChart } from "./chart.js";
import { CELL_COLOURS, CELL_DASH } from "./colors.js";
import { h, pct } from "./dom.js";
import { limits } from "./limits.js";
import { PRESET } from "./trainsettings.js";

const KEEP_RUNS = 4;
const KEEP_SAMPLES = 6;

/** The three charts of the latest runs (the newest drawn boldest), and the samples. */
export class TrainCurves {
  constructor() {
    this.runs = []; // {label, cell, loss, grad, acc: [[step, value]], chance, last, done}
    this.loss = new LineChart({
      label: "Training loss by step (log scale)",
      xLabel: "training step",
      yLabel: "loss",
      yLog: true,
      height: 180,
    });
    this.grad = new LineChart({
      label: "Gradient norm by step (log scale)",
      xLabel: "training step",
      yLog: true,
      height: 140,
    });
    this.acc = new LineChart({
      label: "Accuracy by step, with chance level",
      xLabel: "training step",
      yLabel: "accuracy",
      yMin: 0,
      yMax: 1,
      height: 140,
    });
    this.legend = h("div");
    const box = (title, chart, ...more) =>
      h(
        "figure",
        { class: "st-chart-box" },
        h("figcaption", { text: title }),
        chart.canvas,
        ...more,
      );
    const lossBox = box("Loss (log scale): lower is better", this.loss, this.legend);
    lossBox.classList.add("st-loss");
    this.el = h(
      "div",
      { class: "st-charts" },
      lossBox,
      box("Accuracy (dashed: chance)", this.acc),
      box("Gradient norm before clipping (log scale)", this.grad),
    );
    this.samples = h("ol", { class: "st-samples" });
    this.samplesBox = h(
      "section",
      { class: "st-samples-box", hidden: true },
      h("h4", { text: "Samples: the network writing on its own" }),
      this.samples,
    );
  }

  /** Start a run's curves; return the run, which add() fills. */
  start(label, cell, withSamples) {
    const run = { label, cell, loss: [], grad: [], acc: [], chance: null, last: null };
    this.runs.push(run);
    if (this.runs.length > KEEP_RUNS) this.runs.shift();
    this.samples.replaceChildren();
    this.samplesBox.hidden = !withSamples;
    this.draw();
    return run;
  }

  /** Add a progress record to `run`. */
  add(run, rec) {
    run.last = rec;
    run.loss.push([rec.step, rec.loss]);
    run.grad.push([rec.step, rec.grad_norm]);
    run.acc.push([rec.step, rec.accuracy]);
    if (rec.sample) {
      const step = h("span", { class: "st-sample-step", text: `step ${rec.step}` });
      this.samples.prepend(h("li", {}, step, h("code", { text: rec.sample })));
      while (this.samples.children.length > KEEP_SAMPLES) this.samples.lastChild.remove();
    }
    this.draw();
  }

  draw() {
    const latest = this.runs.length - 1;
    const series = (key, alphaOld) =>
      this.runs.map((r, i) => ({
        points: r[key],
        colour: CELL_COLOURS[r.cell],
        dash: CELL_DASH[r.cell],
        alpha: i === latest ? 1 : alphaOld,
        width: i === latest ? 2.5 : 1.5,
      }));
    const chance = this.runs.at(-1)?.chance;
    this.loss.draw({ series: series("loss", 0.35) });
    this.grad.draw({ series: series("grad", 0.3) });
    const hlines = chance ? [{ y: chance, label: "chance" }] : [];
    this.acc.draw({ series: series("acc", 0.35), hlines });
    const items = this.runs.map((r, i) => ({
      colour: CELL_COLOURS[r.cell],
      dash: CELL_DASH[r.cell],
      label: `${r.label}${i === latest ? " (latest)" : ""}`,
    }));
    this.legend.replaceChildren(chartLegend(items));
  }
}

/** The preset's results: final accuracy by parade length, as a chart and as a table. */
export class PresetResults {
  constructor() {
    this.results = []; // {cell, length, accuracy, chance, steps, reason}
    this.chart = new LineChart({
      label: "Final accuracy against parade length, RNN and LSTM",
      xLabel: "parade length L",
      yLabel: "final accuracy",
      yMin: 0,
      yMax: 1,
      height: 180,
    });
    const names = limits.cellNames;
    const legend = PRESET.cells.map((c) => ({
      colour: CELL_COLOURS[c],
      dash: CELL_DASH[c],
      label: names[c],
    }));
    const caption =
      "Who still remembers the first float? Final accuracy as the parade grows (dashed: chance).";
    this.box = h(
      "figure",
      { class: "st-preset", hidden: true },
      h("figcaption", { text: caption }),
      this.chart.canvas,
      chartLegend(legend),
    );
    this.table = h("table", { class: "st-table st-preset-table", hidden: true });
  }

  /** Clear the results for a new comparison over `lengths`. */
  start(lengths) {
    this.results = [];
    this.lengths = lengths;
    this.box.hidden = false;
    this.table.hidden = false;
  }

  add(result) {
    this.results.push(result);
    this.draw();
  }

  /** Return what the preset found, in words: the longest parade each cell still remembered. */
  summary() {
    return PRESET.cells
      .map((cell) => {
        const name = limits.cellNames[cell];
        const ok = this.results.filter((p) => p.cell === cell && p.accuracy >= 0.9);
        const lengths = ok.map((p) => p.length);
        return lengths.length
          ? `${name} named the first float at least 90% of the time ` +
              `up to L = ${Math.max(...lengths)}.`
          : `${name} never reached 90%.`;
      })
      .join(" ");
  }

  draw() {
    const series = PRESET.cells.map((cell) => ({
      colour: CELL_COLOURS[cell],
      dash: CELL_DASH[cell],
      dots: true,
      width: 2.5,
      points: this.results.filter((p) => p.cell === cell).map((p) => [p.length, p.accuracy]),
    }));
    const chance = this.results[0]?.chance;
    this.chart.opts.xMin = 0;
    this.chart.opts.xMax = Math.max(...this.lengths);
    this.chart.draw({ series, hlines: chance ? [{ y: chance, label: "chance" }] : [] });
    const names = limits.cellNames;
    const th = (text, scope) => h("th", { scope, text });
    const cell = (c, L) => {
      const p = this.results.find((q) => q.cell === c && q.length === L);
      if (!p) return h("td", { text: "…" });
      // a run cut short by the server's time limit had a smaller budget: say so
      const short = p.reason === "time limit" ? ` (time limit at step ${p.steps})` : "";
      const dataset = { cell: c, length: L, value: p.accuracy };
      return h("td", { dataset, text: pct(p.accuracy) + short });
    };
    this.table.replaceChildren(
      h("caption", { text: "Final accuracy by parade length" }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          th("L", "col"),
          PRESET.cells.map((c) => th(names[c], "col")),
        ),
      ),
      h(
        "tbody",
        {},
        this.lengths.map((L) =>
          h(
            "tr",
            {},
            th(String(L), "row"),
            PRESET.cells.map((c) => cell(c, L)),
          ),
        ),
      ),
    );
  }
}
