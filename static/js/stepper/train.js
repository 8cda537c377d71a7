// The training view: start and stop a run, watch loss, gradient norm and accuracy stream in,
// and a preset that trains RNN and LSTM on "remember the first float" as the parade grows.

import { streamTrain } from "./api.js";
import { CELL_COLOURS, CELL_DASH } from "./colors.js";
import { LineChart, chartLegend } from "./chart.js";
import { h, pct, uid } from "./dom.js";

const CELL_NAMES = { rnn: "RNN", lstm: "LSTM", gru: "GRU" };
/**
 * The RNN-vs-LSTM preset: both cells get the same budget (training steps, learning rate,
 * hidden units, seed). 800 steps is what an LSTM needs to solve L = 40 at 8 units; a plain
 * RNN stays near chance from L = 20 on however long it trains. A link can shrink the preset
 * (`<id>.lengths=3,15&<id>.budget=150`), which the browser test uses.
 */
export const PRESET = { lengths: [5, 10, 20, 40], steps: 800, lr: 0.01 };
const PRESET_CELLS = ["rnn", "lstm"];
// Added to the LSTM forget-gate bias at the start, for single runs and the preset alike (the
// API's default, sent explicitly so the page says what it trains): gated cells begin by
// remembering, as the usual LSTM recipe advises. A plain RNN has no gate to bias.
const TRAIN_MEMORY_BIAS = 3;

/** Return the preset's parade lengths from a URL value ("3,15"), or null if malformed. */
export function parseLengths(text) {
  if (!text || !/^\d+(,\d+){0,5}$/.test(text)) return null;
  const lengths = [...new Set(text.split(",").map(Number))].sort((a, b) => a - b);
  return lengths.every((L) => L >= 2 && L <= 200) ? lengths : null;
}
const KEEP_RUNS = 4;
/** The preset's own hidden size: the lesson's if it is a fair size, else 16 (never the form's). */
export const presetHidden = (configured) => (configured >= 8 && configured <= 32 ? configured : 16);
/** The form's numbers: [lowest, highest, default]. */
export const LIMITS = { hidden: [1, 64, 8], length: [2, 200, 10], steps: [10, 2000, 400] };
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Return {value, note} for a number field: empty (or not a number) gives the default, a value
 * out of range is clamped, and the note says which happened ("" when the value was fine).
 */
export function readNumber(text, [lo, hi, fallback], what) {
  const raw = String(text).trim();
  if (raw === "") return { value: fallback, note: `Empty: using the default, ${fallback}.` };
  const v = Number(raw);
  if (!Number.isFinite(v)) return { value: fallback, note: `Not a number: using the default, ${fallback}.` };
  const r = Math.round(v);
  if (r < lo) return { value: lo, note: `${what} must be at least ${lo}: using ${lo}.` };
  if (r > hi) return { value: hi, note: `${what} can be at most ${hi}: using ${hi}.` };
  return { value: r, note: r !== v ? `Whole numbers only: using ${r}.` : "" };
}
const LR_CHOICES = [0.001, 0.003, 0.01, 0.03, 0.1];

export class TrainView {
  constructor({ widget }) {
    this.widget = widget;
    this.runs = []; // {label, cell, points: {loss, grad, acc}, chance, done}
    this.preset = []; // {cell, length, accuracy}
    // each number field has a note beside it that says when its value was corrected
    this.notes = {};
    const field = (label, control, key) => {
      const id = control.id || (control.id = uid("tr"));
      const note = key ? h("span", { class: "st-field-note", id: `${id}-note`, "aria-live": "polite" }) : null;
      if (key) { this.notes[key] = note; control.setAttribute("aria-describedby", note.id); }
      return h("div", { class: "st-field" }, h("label", { for: id }, label), control, note);
    };
    const s = widget.state;
    this.task = h("select", { onchange: (e) => this.store(e.target) },
      h("option", { value: "remember_first", text: "Remember the first float" }),
      h("option", { value: "next_char", text: "Next character of the lesson text" }));
    this.cell = h("select", { disabled: widget.locked.has("cell"), onchange: (e) => this.store(e.target) },
      ["rnn", "lstm", "gru"].map((c) => h("option", { value: c, text: CELL_NAMES[c] })));
    this.hiddenSize = h("input", { type: "number", min: 1, max: 64, step: 1, class: "st-num",
      disabled: widget.locked.has("hidden_size"), onchange: (e) => this.store(e.target) });
    this.length = h("input", { type: "number", min: 2, max: 200, step: 1, class: "st-num", onchange: (e) => this.store(e.target) });
    this.steps = h("input", { type: "number", min: 10, max: 2000, step: 10, class: "st-num", onchange: (e) => this.store(e.target) });
    this.lr = h("select", { onchange: (e) => this.store(e.target) }, LR_CHOICES.map((v) => h("option", { value: v, text: String(v) })));
    this.lengthField = field("Parade length L", this.length, "length");
    this.start = h("button", { type: "button", text: "Train", onclick: () => this.run() });
    this.stop = h("button", { type: "button", class: "secondary", text: "Stop", disabled: true, onclick: () => this.halt() });
    this.presetBtn = h("button", { type: "button", class: "secondary", onclick: () => this.runPreset(),
      text: `Compare RNN and LSTM as L grows (${s.train.lengths.join(", ")})` });
    this.presetNote = h("p", { class: "st-note st-preset-note" });
    if (widget.locked.has("cell")) this.presetBtn.hidden = true;
    this.status = h("p", { class: "st-train-status", role: "status" });
    this.progress = h("p", { class: "st-train-progress" });
    this.error = h("p", { class: "st-error", role: "alert" });

    this.lossChart = new LineChart({ label: "Training loss by step (log scale)", xLabel: "training step", yLabel: "loss", yLog: true, height: 180 });
    this.gradChart = new LineChart({ label: "Gradient norm by step (log scale)", xLabel: "training step", yLog: true, height: 140 });
    this.accChart = new LineChart({ label: "Accuracy by step, with chance level", xLabel: "training step", yLabel: "accuracy", yMin: 0, yMax: 1, height: 140 });
    this.presetChart = new LineChart({ label: "Final accuracy against parade length, RNN and LSTM", xLabel: "parade length L", yLabel: "final accuracy", yMin: 0, yMax: 1, height: 180 });
    this.legend = h("div");
    this.samples = h("ol", { class: "st-samples" });
    this.samplesBox = h("section", { class: "st-samples-box", hidden: true },
      h("h4", { text: "Samples: the network writing on its own" }), this.samples);
    this.presetBox = h("figure", { class: "st-preset", hidden: true },
      h("figcaption", { text: "Who still remembers the first float? Final accuracy as the parade grows (dashed: chance)." }),
      this.presetChart.canvas,
      chartLegend(PRESET_CELLS.map((c) => ({ colour: CELL_COLOURS[c], dash: CELL_DASH[c], label: CELL_NAMES[c] }))));
    this.presetTable = h("table", { class: "st-table st-preset-table", hidden: true });

    this.el = h("div", { class: "st-train" },
      h("p", { class: "st-note", text: "Each run starts from fresh random weights and trains on the server with backpropagation through time. "
        + "Remember the first float: the network reads L random floats and at the end must name the first one." }),
      h("div", { class: "st-controls" },
        field("Task", this.task), field("Cell", this.cell), field("Hidden units", this.hiddenSize, "hidden"),
        this.lengthField, field("Training steps", this.steps, "steps"), field("Learning rate", this.lr)),
      h("div", { class: "st-train-actions" }, this.start, this.stop, this.presetBtn),
      widget.locked.has("cell") ? null : this.presetNote,
      this.status, this.progress, this.error,
      h("div", { class: "st-charts" },
        h("figure", { class: "st-chart-box st-loss" }, h("figcaption", { text: "Loss (log scale): lower is better" }), this.lossChart.canvas, this.legend),
        h("figure", { class: "st-chart-box" }, h("figcaption", { text: "Accuracy (dashed: chance)" }), this.accChart.canvas),
        h("figure", { class: "st-chart-box" }, h("figcaption", { text: "Gradient norm before clipping (log scale)" }), this.gradChart.canvas)),
      this.samplesBox, this.presetBox, this.presetTable);
  }

  /** Show the widget's state in the form. */
  sync() {
    const s = this.widget.state;
    this.task.value = s.train.task;
    this.cell.value = s.cell;
    this.hiddenSize.value = s.H;
    this.length.value = s.train.length;
    this.steps.value = s.train.steps;
    this.lr.value = String(LR_CHOICES.includes(s.train.lr) ? s.train.lr : 0.01);
    this.lengthField.hidden = s.train.task !== "remember_first";
    const { lengths, budget } = s.train;
    this.presetBtn.textContent = `Compare RNN and LSTM as L grows (${lengths.join(", ")})`;
    this.presetNote.textContent = `The comparison trains each cell on each length with the same budget: ${plural(budget, "step")}, `
      + `learning rate ${PRESET.lr}, ${plural(this.presetH(), "hidden unit")}, seed ${s.seed} — its own fixed setup, `
      + `not the form's. The LSTM's forget gate starts with bias `
      + `${TRAIN_MEMORY_BIAS} (it begins by remembering, as LSTMs are usually set up); the RNN has no gate to bias.`;
  }

  /** The preset's hidden size: fixed by the lesson, not inherited from the form. */
  presetH() {
    return presetHidden(this.widget.config.hidden_size);
  }

  /** Read the form into the state; `changed` (the field just edited) gets its note. */
  store(changed) {
    const s = this.widget.state;
    s.train.task = this.task.value;
    s.cell = this.cell.value;
    const read = (input, key, what) => {
      const { value, note } = readNumber(input.value, LIMITS[key], what);
      if (input === changed) {
        this.notes[key].textContent = note;
        input.classList.toggle("corrected", Boolean(note));
      }
      return value;
    };
    if (!this.hiddenSize.disabled) s.H = read(this.hiddenSize, "hidden", "Hidden units");
    s.unit = Math.min(s.unit, s.H - 1);
    s.train.length = read(this.length, "length", "The parade length");
    s.train.steps = read(this.steps, "steps", "Training steps");
    s.train.lr = +this.lr.value;
    this.sync();
    this.widget.sync();
    this.widget.writeUrl();
  }

  request(overrides = {}) {
    const s = this.widget.state;
    const steps = overrides.steps ?? s.train.steps;
    return {
      task: s.train.task, cell: s.cell, hidden_size: s.H, parade_length: s.train.length, n_values: 4,
      steps, optimizer: "adam", learning_rate: s.train.lr, clip_norm: 1, batch_size: 32,
      weight_scale: 1, memory_bias: TRAIN_MEMORY_BIAS, log_every: Math.max(1, Math.round(steps / 60)),
      seed: s.seed, max_seconds: 60,
      ...overrides,
    };
  }

  busy(on) {
    this.running = on;
    this.start.disabled = this.presetBtn.disabled = on;
    this.stop.disabled = !on;
  }

  /** Train once with the form's settings. */
  async run() {
    if (this.running) return;
    this.busy(true);
    this.error.textContent = "";
    try {
      await this.trainOnce(this.request());
    } finally {
      this.busy(false);
    }
  }

  /** Stream one run into the charts; resolves with the last progress record (or null). */
  async trainOnce(body, label) {
    this.abort = new AbortController();
    const run = {
      label: label || `${CELL_NAMES[body.cell]}${body.task === "remember_first" ? `, L = ${body.parade_length}` : ", next char"}`,
      cell: body.cell, loss: [], grad: [], acc: [], chance: null, last: null,
    };
    this.runs.push(run);
    if (this.runs.length > KEEP_RUNS) this.runs.shift();
    this.samples.replaceChildren();
    this.samplesBox.hidden = body.task !== "next_char";
    this.status.textContent = `Training ${run.label}…`;
    this.draw();
    const started = performance.now();
    let reason = "";
    try {
      await streamTrain(body, (rec) => {
        if (rec.event === "start") {
          run.chance = rec.chance;
        } else if (rec.event === "progress") {
          run.last = rec;
          run.loss.push([rec.step, rec.loss]);
          run.grad.push([rec.step, rec.grad_norm]);
          run.acc.push([rec.step, rec.accuracy]);
          this.progress.textContent = `Step ${rec.step} of ${body.steps} · loss ${rec.loss.toFixed(3)} · accuracy ${pct(rec.accuracy)}${run.chance ? ` (chance ${pct(run.chance)})` : ""} · gradient norm ${rec.grad_norm.toFixed(3)}`;
          if (rec.sample) {
            this.samples.prepend(h("li", {}, h("span", { class: "st-sample-step", text: `step ${rec.step}` }), h("code", { text: rec.sample })));
            while (this.samples.children.length > 6) this.samples.lastChild.remove();
          }
          this.draw();
        } else if (rec.event === "end") {
          reason = rec.reason;
        }
      }, this.abort.signal);
    } catch (err) {
      if (err.name === "AbortError") reason = "stopped";
      else { this.error.textContent = err.message || "Training failed."; reason = "failed"; }
    }
    run.done = true;
    run.reason = reason;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const acc = run.last ? ` Final accuracy ${pct(run.last.accuracy)}${run.chance ? ` (chance ${pct(run.chance)})` : ""}, loss ${run.last.loss.toFixed(3)}.` : "";
    const why = { finished: "Finished", "time limit": "Stopped at the time limit", stopped: "Stopped", failed: "Failed" }[reason] || "Ended";
    this.status.textContent = `${why}: ${run.label} after ${secs} s.${acc}`;
    this.draw();
    return reason === "stopped" ? null : run.last;
  }

  halt() {
    this.cancelled = true;
    this.abort?.abort();
  }

  /** Train RNN and LSTM on remember_first for each L, one after another; plot final accuracy. */
  async runPreset() {
    if (this.running) return;
    this.busy(true);
    this.cancelled = false;
    this.preset = [];
    this.presetBox.hidden = false;
    this.presetTable.hidden = false;
    this.error.textContent = "";
    const { lengths, budget } = this.widget.state.train;
    this.presetLengths = lengths;
    const total = lengths.length * PRESET_CELLS.length;
    let n = 0;
    try {
      for (const length of lengths) {
        for (const cell of PRESET_CELLS) {
          if (this.cancelled) return;
          n += 1;
          const label = `${CELL_NAMES[cell]}, L = ${length} (run ${n} of ${total})`;
          const body = this.request({ task: "remember_first", cell, parade_length: length, steps: budget,
            learning_rate: PRESET.lr, hidden_size: this.presetH() });
          const last = await this.trainOnce(body, label);
          if (!last) return;
          const run = this.runs.at(-1);
          this.preset.push({ cell, length, accuracy: last.accuracy, chance: run.chance, steps: last.step, reason: run.reason });
          this.drawPreset();
        }
      }
      this.status.textContent = `Done. ${this.presetSummary()}`;
    } finally {
      this.busy(false);
    }
  }

  /** Return what the preset found, in words: the longest parade each cell still remembered. */
  presetSummary() {
    return PRESET_CELLS.map((cell) => {
      const ok = this.preset.filter((p) => p.cell === cell && p.accuracy >= 0.9).map((p) => p.length);
      return ok.length
        ? `${CELL_NAMES[cell]} named the first float at least 90% of the time up to L = ${Math.max(...ok)}.`
        : `${CELL_NAMES[cell]} never reached 90%.`;
    }).join(" ");
  }

  draw() {
    const series = (key, alphaOld) => this.runs.map((r, i) => ({
      points: r[key], colour: CELL_COLOURS[r.cell], dash: CELL_DASH[r.cell],
      alpha: i === this.runs.length - 1 ? 1 : alphaOld, width: i === this.runs.length - 1 ? 2.5 : 1.5,
    }));
    const chance = this.runs.at(-1)?.chance;
    this.lossChart.draw({ series: series("loss", 0.35) });
    this.gradChart.draw({ series: series("grad", 0.3) });
    this.accChart.draw({ series: series("acc", 0.35), hlines: chance ? [{ y: chance, label: "chance" }] : [] });
    this.legend.replaceChildren(chartLegend(this.runs.map((r, i) => ({
      colour: CELL_COLOURS[r.cell], dash: CELL_DASH[r.cell],
      label: `${r.label}${i === this.runs.length - 1 ? " (latest)" : ""}`,
    }))));
  }

  drawPreset() {
    const series = PRESET_CELLS.map((cell) => ({
      colour: CELL_COLOURS[cell], dash: CELL_DASH[cell], dots: true, width: 2.5,
      points: this.preset.filter((p) => p.cell === cell).map((p) => [p.length, p.accuracy]),
    }));
    const chance = this.preset[0]?.chance;
    this.presetChart.opts.xMin = 0;
    this.presetChart.opts.xMax = Math.max(...this.presetLengths);
    this.presetChart.draw({ series, hlines: chance ? [{ y: chance, label: "chance" }] : [] });
    this.presetTable.replaceChildren(
      h("caption", { text: "Final accuracy by parade length" }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "L" }), PRESET_CELLS.map((c) => h("th", { scope: "col", text: CELL_NAMES[c] })))),
      h("tbody", {}, this.presetLengths.map((L) => h("tr", {}, h("th", { scope: "row", text: String(L) }),
        PRESET_CELLS.map((c) => {
          const p = this.preset.find((q) => q.cell === c && q.length === L);
          // a run cut short by the server's time limit had a smaller budget: say so
          const short = p && p.reason === "time limit" ? ` (time limit at step ${p.steps})` : "";
          return h("td", { dataset: p ? { cell: c, length: L, value: p.accuracy } : {}, text: p ? pct(p.accuracy) + short : "…" });
        })))));
  }
}
