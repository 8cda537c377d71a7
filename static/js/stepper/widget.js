// One rnn-stepper widget: state (also kept in the URL), fetching traces, and painting a step.

import { fetchTrace } from "./api.js";
import { MAX_INPUT, MAX_SCALE, NetworkControls, sanitize } from "./controls.js";
import { debounce, glyph, h, spoken } from "./dom.js";
import { equationHtml, unitUpdate } from "./equation.js";
import { ForkPanel, decodeForks, encodeForks } from "./fork.js";
import { Predictions } from "./output.js";
import { CELL_NAMES, MemoryHint, Parade } from "./parade.js";
import { PredictPanel } from "./predict.js";
import { icon } from "./icons.js";
import { editedRun } from "./run.js";
import { SequenceStrip } from "./sequence.js";
import { StateGrid, stateLegend } from "./stategrid.js";
import { NumbersTable, announcement } from "./table.js";
import { PRESET, TrainView, parseLengths } from "./train.js";
import { readUrlState, urlWith, writeUrlState } from "./url.js";

const CELLS = ["rnn", "lstm", "gru"];
const VIEWS = { stepper: "Step through", parade: "Parade", train: "Train" };
const SPEEDS = [0.5, 1, 2, 4, 8];
const BASE_DELAY = 900; // ms per step at 1×
// T·T·H above which the memory meter is fetched after the states (it then takes ~0.1 s or more)
const BIG_TRACE = 60_000;
/** Narrow screens (phones) start with the secondary panels folded. */
const narrow = () => window.matchMedia("(max-width: 760px)").matches;

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
const int = (s, fallback) => (s != null && /^-?\d+$/.test(s) ? parseInt(s, 10) : fallback);
const num = (s, fallback) => (s != null && s !== "" && Number.isFinite(+s) ? +s : fallback);

/** Return the widget's state: the lesson's config, overridden by the URL for unlocked controls. */
function initialState(config, url, locked) {
  const open = (c) => !locked.has(c);
  const s = {
    view: VIEWS[url.view] ? url.view : config.view,
    cell: open("cell") && CELLS.includes(url.cell) ? url.cell : config.cell,
    H: open("hidden_size") ? clamp(int(url.hidden, config.hidden_size), 1, 64) : config.hidden_size,
    ws: open("weight_scale") ? clamp(num(url.scale, config.weight_scale), 0, MAX_SCALE) : config.weight_scale,
    seed: open("seed") ? clamp(int(url.seed, config.seed), 0, 2 ** 31 - 1) : config.seed,
    mb: open("memory_bias") ? clamp(num(url.bias, config.memory_bias ?? 0), -5, 5) : (config.memory_bias ?? 0),
    input: config.input,
    t: 0,
    unit: 0,
    forks: [],
    predict: url.predict === "1" && open("predict"),
    guess: url.guess === "gate" ? "gate" : "rise",
    eqRun: url.eq === "original" ? "original" : "edited",
    table: url.table === "1",
    speed: SPEEDS.includes(num(url.speed, 1)) ? num(url.speed, 1) : 1,
    train: {
      task: url.task === "next_char" ? "next_char" : "remember_first",
      length: clamp(int(url.length, 10), 2, 200),
      steps: clamp(int(url.steps, 400), 10, 2000),
      lr: clamp(num(url.lr, 0.01), 0.0001, 1),
      lengths: parseLengths(url.lengths) ?? PRESET.lengths,
      budget: clamp(int(url.budget, PRESET.steps), 10, 2000),
    },
  };
  if (open("input") && url.input) {
    const { text } = sanitize(url.input);
    if (text) s.input = text;
  }
  // A parade first shows its last step, where the early floats have (or have not) faded;
  // Play starts it from the beginning.
  const first = s.view === "parade" ? s.input.length : 1;
  s.t = clamp(int(url.step, first) - 1, 0, s.input.length - 1);
  s.unit = clamp(int(url.unit, 0), 0, s.H - 1);
  if (open("fork")) s.forks = validForks(decodeForks(url.fork), s);
  return s;
}

/**
 * Return whether going from state a to b makes a new sequence to step through (a new input,
 * seed or hidden size; in the stepper view a new cell), which starts at step 1. The weight
 * scale and memory bias keep the step (they are "what if" knobs on the same parade, read at
 * its end), and so does picking another lane of the parade, whose lanes are all computed.
 */
function isNewTrace(a, b) {
  return a.input !== b.input || a.seed !== b.seed || a.H !== b.H
    || (a.cell !== b.cell && b.view === "stepper");
}

function validForks(forks, s) {
  return forks.filter((f) => f.step < s.input.length && f.unit < s.H
    && (f.target === "h" ? Math.abs(f.value) <= 1 : s.cell === "lstm")
    && (f.target !== "forget" || (f.value >= 0 && f.value <= 1))
    && (f.target !== "c" || Math.abs(f.value) <= 10));
}

export class StepperWidget {
  constructor(root, config) {
    this.root = root;
    this.id = root.id;
    this.config = config;
    this.locked = new Set(config.locked);
    this.hidden = new Set(config.hidden);
    this.url = readUrlState(this.id);
    this.state = initialState(config, this.url, this.locked);
    this.trace = null;
    this.runs = null;
    this.renderTimes = [];
    this.writeUrl = debounce(() => writeUrlState(this.id, this.urlEntries()), 200);
    this.refreshSoon = debounce(() => this.refresh(), 180);
    this.build();
    root.stepper = this; // for tests and the benchmark
  }

  // --- DOM -------------------------------------------------------------------------------------

  build() {
    const { root, config, state } = this;
    root.classList.add("stepper");
    root.setAttribute("role", "region");
    root.setAttribute("aria-label", `Interactive RNN stepper${config.caption ? `: ${config.caption.slice(0, 80)}` : ""}`);

    this.tabs = Object.entries(VIEWS).map(([view, label]) => h("button", {
      type: "button", class: "st-tab", dataset: { view }, text: label,
      onclick: () => this.set({ view }),
    }));
    const head = h("div", { class: "st-head" },
      config.caption ? h("p", { class: "st-caption", text: config.caption }) : null,
      h("div", { class: "st-tabs", role: "group", "aria-label": "View" }, this.tabs));

    this.controls = new NetworkControls({
      state, locked: this.locked, hidden: this.hidden,
      onChange: (patch, live) => (live ? this.setSoon(patch) : this.set(patch)),
    });

    // transport
    const btn = (label, name, onclick, cls = "") => h("button", { type: "button", class: `st-btn ${cls}`, "aria-label": label, title: label, onclick }, icon(name));
    this.playBtn = btn("Play (Space)", "play", () => this.togglePlay(), "st-play");
    this.backBtn = btn("Step back (←)", "back", () => this.stepBy(-1));
    this.fwdBtn = btn("Step forward (→)", "forward", () => this.forward());
    this.startBtn = btn("First step (Home)", "first", () => this.goTo(0, true));
    this.endBtn = btn("Last step (End)", "last", () => this.goTo(Infinity, true));
    this.scrub = h("input", { type: "range", min: 1, max: 1, step: 1, class: "st-scrub", "aria-label": "Step",
      oninput: () => this.goTo(+this.scrub.value - 1, true) });
    this.stepLabel = h("span", { class: "st-step-label", "aria-hidden": "true" });
    this.speed = h("select", { "aria-label": "Playback speed", class: "st-speed",
      onchange: () => this.set({ speed: +this.speed.value }) },
    SPEEDS.map((s) => h("option", { value: s, text: `${s}×` })));
    const transport = h("div", { class: "st-transport" },
      h("div", { class: "st-buttons" }, this.startBtn, this.backBtn, this.playBtn, this.fwdBtn, this.endBtn),
      h("div", { class: "st-scrubber" }, this.scrub, this.stepLabel),
      h("label", { class: "st-speed-label" }, "Speed ", this.speed));

    // pictures of the current step
    this.sequence = new SequenceStrip({ onPick: (k) => this.goTo(k, true) });
    this.parade = new Parade({
      onPickCell: (cell) => this.set({ cell }),
      onPick: (k) => this.goTo(k, true),
    });
    this.memoryHint = new MemoryHint({ onBias: (mb) => this.set({ mb }) });
    this.grid = new StateGrid({ onSelect: (unit) => this.set({ unit }) });
    this.editGrid = new StateGrid({ title: "Edited run", onSelect: (unit) => this.set({ unit }) });
    this.editGrid.el.hidden = true;
    this.grid.title.hidden = true;
    this.xLabel = h("p", { class: "st-x" });
    this.predictions = new Predictions();
    this.unitInput = h("input", { type: "number", min: 0, step: 1, class: "st-num", "aria-label": "Selected unit",
      onchange: () => this.set({ unit: clamp(Math.round(+this.unitInput.value || 0), 0, this.state.H - 1) }) });
    this.equation = h("div", { class: "st-eq-body" });
    this.eqRunBtns = ["original", "edited"].map((run) => h("button", {
      type: "button", class: "st-eq-run", dataset: { run }, text: `${run === "edited" ? "Edited" : "Original"} run`,
      onclick: () => this.set({ eqRun: run }),
    }));
    this.eqToggle = h("div", { class: "st-eq-toggle", role: "group", "aria-label": "Equation of which run", hidden: true },
      h("span", { text: "Show the numbers of the" }), this.eqRunBtns);
    this.eqSame = h("p", { class: "st-note st-eq-same", hidden: true });
    // a disclosure: open on a laptop, folded on a phone; the weights are fetched when it opens
    const eqBox = this.eqBox = h("details", { class: "st-eq st-fold", open: !narrow() },
      h("summary", {}, h("span", { class: "st-fold-title", text: "The update equation, with its numbers" })),
      h("h4", {}, "The update of unit ", this.unitInput, " with its numbers"),
      this.eqToggle, this.eqSame,
      this.equation,
      h("p", { class: "st-note", text: "Click a cell (or press ↑/↓ in the stepper) to pick another unit. Hover a number for its exact value." }));
    eqBox.addEventListener("toggle", () => { if (eqBox.open) { this.loadParams(); this.render(); } });
    this.grids = h("div", { class: "st-grids" }, this.grid.el, this.editGrid.el);
    const body = this.body = h("div", { class: "st-body" },
      h("div", { class: "st-main" }, this.xLabel, this.grids, stateLegend()),
      this.predictions.el);

    // options: fork, predict, table, link
    this.fork = new ForkPanel({ onChange: (forks) => this.set({ forks }) });
    this.predict = new PredictPanel({
      onAnswer: (guess) => this.answer(guess),
      onKind: (guess) => this.set({ guess }),
    });
    this.table = new NumbersTable();
    this.predictBox = h("input", { type: "checkbox", onchange: () => this.set({ predict: this.predictBox.checked }) });
    this.tableBox = h("input", { type: "checkbox", onchange: () => this.set({ table: this.tableBox.checked }) });
    this.linkNote = h("span", { class: "st-link-note", "aria-live": "polite" });
    const options = h("div", { class: "st-options" },
      this.hidden.has("predict") ? null : h("label", { class: "st-check" }, this.predictBox, " Predict before each step"),
      h("label", { class: "st-check" }, this.tableBox, " Numbers as a table"),
      h("button", { type: "button", class: "secondary st-small", text: "Copy link to this view", onclick: () => this.copyLink() }),
      h("button", { type: "button", class: "secondary st-small", text: "Reset", title: "Back to this lesson's settings", onclick: () => this.reset() }),
      this.linkNote);
    if (this.locked.has("predict")) this.predictBox.disabled = true;
    if (this.locked.has("fork")) {
      for (const el of this.fork.el.querySelectorAll("input, select, button")) el.disabled = true;
    }

    this.status = h("p", { class: "st-status", role: "status" });
    this.error = h("p", { class: "st-error", role: "alert" });
    this.live = h("p", { class: "visually-hidden", "aria-live": "polite", "aria-atomic": "true" });

    this.stage = h("div", {
      class: "st-stage", tabindex: "0", "aria-keyshortcuts": "ArrowLeft ArrowRight Space Home End ArrowUp ArrowDown",
      "aria-label": "Stepper. Left and right arrows step, Space plays or pauses, Home and End jump, up and down pick a unit.",
    }, this.sequence.el, this.parade.el, this.memoryHint.el, transport, this.predict.el, body, eqBox,
    this.hidden.has("fork") ? null : this.fork.el, this.table.el);
    this.trainView = new TrainView({ widget: this });
    this.stepPanel = h("div", { class: "st-step-panel" }, this.controls.el, this.status, this.error, this.stage, options);
    root.replaceChildren(head, this.stepPanel, this.trainView.el, this.live);
    root.addEventListener("keydown", (e) => this.onKey(e));
    this.sync();
  }

  // --- state -----------------------------------------------------------------------------------

  /** Apply a change to the state, refetching when the network or the input changed. */
  set(patch) {
    const s = this.state;
    const before = { ...s };
    Object.assign(s, patch);
    if (patch.H != null) s.unit = clamp(s.unit, 0, s.H - 1);
    if (isNewTrace(before, s)) s.t = 0;
    const network = ["cell", "H", "ws", "mb", "seed", "input"].some((k) => patch[k] != null && patch[k] !== before[k]);
    if (network && !patch.forks) {
      const kept = validForks(s.forks, s);
      if (kept.length !== s.forks.length) this.say(`Edits that no longer fit the network were removed.`);
      s.forks = kept;
    }
    if (patch.predict != null && s.predict) this.pause();
    if (patch.predict != null && !s.predict) this.predict.idle("");
    const refetch = network || patch.view != null || patch.forks != null;
    this.sync();
    if (refetch) this.refresh();
    else this.render();
    if (!refetch && (patch.unit != null || patch.guess != null)) this.askAgain();
    if (patch.predict === true && s.predict && !this.predict.pending) this.askNext(false); // ask at once
    this.writeUrl();
  }

  /** Like set(), for sliders being dragged: show the value now, fetch when the drag settles. */
  setSoon(patch) {
    const before = { ...this.state };
    Object.assign(this.state, patch);
    if (isNewTrace(before, this.state)) this.state.t = 0;
    this.state.unit = clamp(this.state.unit, 0, this.state.H - 1);
    this.state.forks = validForks(this.state.forks, this.state);
    this.writeUrl();
    this.refreshSoon();
  }

  urlEntries() {
    const s = this.state;
    const e = { view: s.view, cell: s.cell, hidden: s.H, scale: s.ws, bias: s.mb, seed: s.seed, input: s.input,
      step: s.t + 1, unit: s.unit };
    if (s.forks.length) e.fork = encodeForks(s.forks);
    if (s.predict) e.predict = 1;
    if (s.guess === "gate") e.guess = "gate";
    if (s.eqRun === "original" && s.forks.length) e.eq = "original";
    if (s.table) e.table = 1;
    if (s.speed !== 1) e.speed = s.speed;
    if (s.view === "train") {
      Object.assign(e, { task: s.train.task, length: s.train.length, steps: s.train.steps, lr: s.train.lr });
      if (s.train.lengths.join() !== PRESET.lengths.join()) e.lengths = s.train.lengths.join();
      if (s.train.budget !== PRESET.steps) e.budget = s.train.budget;
    }
    return e;
  }

  /** Show the state in every control. */
  sync() {
    const s = this.state;
    for (const tab of this.tabs) tab.setAttribute("aria-pressed", String(tab.dataset.view === s.view));
    this.root.dataset.view = s.view;
    this.root.dataset.cell = s.cell;
    this.stepPanel.hidden = s.view === "train";
    this.trainView.el.hidden = s.view !== "train";
    this.sequence.el.hidden = s.view !== "stepper";
    this.parade.el.hidden = s.view !== "parade";
    // Only where a gated lane is on show and the student may change the memory bias.
    this.memoryHint.el.hidden = s.view !== "parade" || !this.lanes().some((c) => c !== "rnn")
      || this.locked.has("memory_bias") || this.hidden.has("memory_bias");
    this.controls.sync(s);
    this.speed.value = String(s.speed);
    this.predictBox.checked = s.predict;
    this.tableBox.checked = s.table;
    this.table.el.hidden = !s.table;
    this.predict.el.hidden = !s.predict;
    this.predict.sync(s.guess, s.cell);
    this.unitInput.max = s.H - 1;
    this.unitInput.value = s.unit;
    if (s.view === "train") this.trainView.sync();
  }

  lanes() {
    const one = this.locked.has("cell") || this.hidden.has("lanes");
    return one ? [this.state.cell] : CELLS;
  }

  // --- data ------------------------------------------------------------------------------------

  /**
   * Fetch what the current view needs, then render; stale answers are dropped.
   *
   * What is asked for, and when (the memory meter's T×T Jacobian norms are what cost time:
   * ~2 s at 64 units × 200 characters, while the states alone take ~20 ms):
   * - the states of the shown run (with the student's edits), never the weights;
   * - the influence (memory meter) from the run *without* edits, so adding an edit reuses it;
   *   for a big trace it follows the states, which are drawn first while the meter computes;
   * - the weights only while the equation panel is open (see loadParams), per network.
   */
  async refresh() {
    const s = this.state;
    if (s.view === "train" || !this.visible) return;
    const base = { hidden_size: s.H, input: s.input, seed: s.seed, weight_scale: s.ws, memory_bias: s.mb };
    const full = (cell) => ({ cell, ...base, overrides: [], include_influence: true, include_params: false });
    const cells = s.view === "parade" ? this.lanes() : [s.cell];
    const others = cells.filter((c) => c !== s.cell);
    // a big trace shows its states first; a small one comes in one answer
    const big = s.input.length * s.input.length * s.H >= BIG_TRACE;
    const split = s.forks.length > 0 || big;
    const main = split
      ? { cell: s.cell, ...base, overrides: s.forks, include_influence: false, include_params: false }
      : full(s.cell);
    this.abort?.abort();
    const ctl = new AbortController();
    this.abort = ctl;
    const slow = setTimeout(() => this.busy(true, big ? "Computing the states…" : "Computing…"), 120);
    let meter = null;
    try {
      const first = fetchTrace(main, ctl.signal);
      // the meters are asked for at once (in parallel), and awaited after the first paint
      // the shown cell's meter comes alone: its states are already in `first`
      const meterOnly = { ...full(s.cell), include_states: false };
      const influence = [s.cell, ...others].map((cell) => {
        if (cell !== s.cell) return fetchTrace(full(cell), ctl.signal);
        return split ? fetchTrace(meterOnly, ctl.signal) : first;
      });
      influence.forEach((p) => p.catch(() => {})); // awaited below; never an unhandled rejection
      const trace = await first;
      if (ctl.signal.aborted) return;
      clearTimeout(slow);
      this.busy(false);
      this.trace = trace;
      this.runs = { [s.cell]: trace };
      this.meterPending = split;
      this.error.textContent = "";
      this.rebuild();
      this.render();
      this.announce();
      if (s.predict) this.askNext(false); // a new trace: ask about its next step at once
      this.loadParams();
      meter = setTimeout(() => this.busy(true, "Computing the memory meter…", true), 120);
      const runs = await Promise.all(influence);
      if (ctl.signal.aborted) return;
      const withMeter = { ...trace, influence: runs[0].influence };
      this.trace = withMeter;
      this.runs = { [s.cell]: withMeter };
      others.forEach((cell, i) => { this.runs[cell] = runs[i + 1]; });
      this.meterPending = false;
      if (s.view === "parade") this.memoryHint.update(trace.memory_bias, this.runs);
      this.render();
      if (split) this.announce();
    } catch (err) {
      if (err.name === "AbortError" || ctl.signal.aborted) return;
      this.error.textContent = err.message || "Something went wrong while computing the steps.";
    } finally {
      clearTimeout(slow);
      clearTimeout(meter);
      if (this.abort === ctl) this.busy(false);
    }
  }

  /** Show (or end) the loading state: the old picture stays, dimmed, under a spinner. */
  busy(on, text = "", meterOnly = false) {
    if (on) {
      this.stage.setAttribute("aria-busy", "true");
      this.root.classList.toggle("loading", !meterOnly);
      this.root.classList.toggle("loading-meter", meterOnly);
      // the meter computing is said beside the meter; the pill is for the whole picture
      this.status.replaceChildren(...(meterOnly ? [] : [h("span", { class: "st-status-pill", text })]));
    } else {
      this.stage.removeAttribute("aria-busy");
      this.root.classList.remove("loading", "loading-meter");
      this.status.replaceChildren();
    }
  }

  /** Fetch the network's weights for the equation, once per network, while the panel is open. */
  async loadParams() {
    const run = this.trace;
    if (!this.eqBox.open || !run) return;
    const key = networkKey(run);
    if (this.params?.key === key) return;
    // the weights do not depend on the input: a one-character request carries them
    const body = { cell: run.cell, hidden_size: run.hidden_size, input: " ", seed: run.seed,
      weight_scale: run.weight_scale, memory_bias: run.memory_bias,
      overrides: [], include_influence: false, include_params: true };
    this.equation.replaceChildren(h("p", { class: "st-note st-eq-loading", text: "Loading the weights…" }));
    try {
      const answer = await fetchTrace(body);
      this.params = { key, value: answer.params };
      this.render();
    } catch (err) {
      this.equation.replaceChildren(h("p", { class: "st-error", text: err.message || "The weights could not be loaded." }));
    }
  }

  /** Rebuild the pictures for a new trace (new shapes); a step only repaints. */
  rebuild() {
    const s = this.state;
    const trace = this.trace;
    this.T = trace.input.length;
    this.scrub.max = String(this.T);
    this.sequence.build(trace.input);
    if (s.view === "parade") {
      this.parade.build(trace.input, this.lanes(), s.cell, this.locked.has("cell") || this.locked.has("lanes"));
      this.memoryHint.update(trace.memory_bias, this.runs);
    }
    this.grid.build(trace.cell, trace.hidden_size);
    this.body.classList.toggle("dense", trace.hidden_size > 8); // many units: the grid takes the full width
    this.edited = editedRun(trace);
    this.editGrid.el.hidden = !this.edited;
    this.grid.title.hidden = !this.edited;
    this.grid.title.textContent = "Original run";
    if (this.edited) this.editGrid.build(trace.cell, trace.hidden_size);
    this.grids.classList.toggle("forked", Boolean(this.edited));
    this.table.build(trace.cell, trace.hidden_size);
    this.divergence = this.edited
      ? trace.h.map((row, t) => Math.hypot(...row.map((v, j) => v - this.edited.h[t][j])))
      : null;
    this.forkStep = this.edited ? Math.min(...s.forks.map((f) => f.step)) : -1;
    this.fork.sync({ cell: trace.cell, T: this.T, H: trace.hidden_size, t: s.t, unit: s.unit, forks: s.forks });
  }

  // --- a step ----------------------------------------------------------------------------------

  /** Paint the current step everywhere (kept to DOM writes: it must fit in one frame). */
  render() {
    const run = this.trace;
    if (!run || run.input !== this.state.input || run.cell !== this.state.cell || run.hidden_size !== this.state.H) return;
    const t0 = performance.now();
    const { t, unit, view } = this.state;
    const T = this.T;
    if (view === "stepper") this.sequence.update(t, run.influence?.[t], this.divergence, this.forkStep, this.meterPending);
    else if (view === "parade") this.parade.update(t, this.runs);
    this.xLabel.innerHTML = `Step <strong>${t + 1}</strong> of ${T}: the ${CELL_NAMES[run.cell]} reads x<sub>t</sub> = “<code>${escapeCh(run.input[t])}</code>”`;
    this.grid.update(run, t, unit);
    if (this.edited) {
      this.editGrid.update(this.edited, t, unit);
      this.editGrid.title.textContent = t < this.forkStep
        ? `Edited run: the same until step ${this.forkStep + 1}`
        : `Edited run: differs by ‖Δh‖ = ${this.divergence[t].toFixed(3)}`;
    }
    this.renderEquation(run, t, unit);
    this.predictions.update(run, t);
    this.table.update(run, t);
    this.scrub.value = String(t + 1);
    this.scrub.setAttribute("aria-valuetext", `Step ${t + 1} of ${T}, input ${spoken(run.input[t])}`);
    this.stepLabel.textContent = `${t + 1} / ${T}`;
    this.backBtn.disabled = this.startBtn.disabled = t === 0;
    this.fwdBtn.disabled = this.endBtn.disabled = t === T - 1;
    this.renderTimes.push(performance.now() - t0);
    if (this.renderTimes.length > 500) this.renderTimes.splice(0, 250);
  }

  /** The selected unit's equation: from the fork step on, of the original or the edited run. */
  renderEquation(run, t, unit) {
    if (!this.eqBox.open) return; // folded: nothing to paint, and no weights fetched
    const params = this.params?.key === networkKey(run) ? this.params.value : null;
    const forked = Boolean(this.edited) && t >= this.forkStep;
    const useEdited = forked && this.state.eqRun === "edited";
    this.eqToggle.hidden = !forked;
    for (const b of this.eqRunBtns) b.setAttribute("aria-pressed", String((b.dataset.run === "edited") === useEdited));
    this.eqSame.hidden = !this.edited || forked;
    if (this.edited && !forked) {
      this.eqSame.textContent = `Both runs are identical before step ${this.forkStep + 1}, where your first edit is: this is the equation of either.`;
    }
    if (!params) return; // loadParams() shows "Loading the weights…" and renders when they come
    const edits = useEdited ? (run.overrides || []).filter((o) => o.step === t && o.unit === unit) : [];
    const label = forked ? (useEdited ? "Edited run" : "Original run") : "";
    this.equation.innerHTML = equationHtml(unitUpdate({ ...(useEdited ? this.edited : run), params }, t, unit, edits), label);
  }

  announce() {
    if (!this.trace) return;
    this.live.textContent = announcement(this.trace, this.state.t, this.state.unit, this.predictions.top);
  }

  say(text) {
    this.live.textContent = text;
  }

  goTo(t, user = false) {
    if (!this.trace) return;
    const next = clamp(t, 0, this.T - 1);
    if (user) this.pause();
    if (next === this.state.t) return;
    this.state.t = next;
    this.render();
    this.announce();
    this.writeUrl();
  }

  stepBy(d) {
    this.goTo(this.state.t + d, true);
  }

  /** Step forward, asking for a prediction first in predict mode. */
  forward() {
    if (!this.trace) return;
    const { t } = this.state;
    if (t >= this.T - 1) return;
    if (this.state.predict && !this.predict.pending) {
      this.askNext(true);
      return;
    }
    if (this.state.predict) { this.predict.focusAnswer(); return; } // waiting for the guess
    this.stepBy(1);
  }

  answer(guess) {
    const { t, unit } = this.state;
    const run = this.trace;
    this.goTo(t + 1, true);
    this.predict.reveal(guess, run, t + 1, unit, run.h[t][unit]);
    this.fwdBtn.focus();
  }


  /** Ask about the next step (the old verdict goes); at the last step there is nothing to ask. */
  askNext(focus) {
    if (!this.trace) return;
    if (this.state.t + 1 < this.T) this.predict.ask(this.trace, this.state.t + 1, this.state.unit, focus);
    else this.predict.idle("This is the last step: press Home (or First step) to predict the parade again.");
  }

  /** A pending question is asked again when what it is about changed (kind, cell, unit). */
  askAgain() {
    if (!this.predict.pending || !this.trace) return;
    if (this.state.t + 1 < this.T) this.predict.ask(this.trace, this.state.t + 1, this.state.unit, false);
    else this.predict.idle("");
  }

  togglePlay() {
    if (this.timer) this.pause();
    else this.play();
  }

  play() {
    if (!this.trace || this.state.predict) {
      if (this.state.predict) this.say("Playing is off while you predict: step with the arrow keys.");
      return;
    }
    if (this.state.t >= this.T - 1) this.goTo(0);
    this.playBtn.replaceChildren(icon("pause"));
    this.playBtn.setAttribute("aria-label", "Pause");
    this.playBtn.title = "Pause (Space)";
    const tick = () => {
      if (this.state.t >= this.T - 1) { this.pause(); return; }
      this.goTo(this.state.t + 1);
      this.timer = setTimeout(tick, BASE_DELAY / this.state.speed);
    };
    this.timer = setTimeout(tick, Math.min(300, BASE_DELAY / this.state.speed));
  }

  pause() {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = 0;
    this.playBtn.replaceChildren(icon("play"));
    this.playBtn.setAttribute("aria-label", "Play");
    this.playBtn.title = "Play (Space)";
  }

  onKey(e) {
    if (this.state.view === "train" || e.altKey || e.ctrlKey || e.metaKey) return;
    const el = e.target;
    const tag = el.tagName;
    if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && el.type !== "checkbox" && el.type !== "radio")) return;
    if (el.closest?.(".st-train")) return;
    const isButton = tag === "BUTTON" || (tag === "INPUT" && (el.type === "checkbox" || el.type === "radio"));
    const keys = {
      ArrowRight: () => this.forward(),
      ArrowLeft: () => this.stepBy(-1),
      Home: () => this.goTo(0, true),
      End: () => this.goTo(Infinity, true),
      ArrowUp: () => this.set({ unit: clamp(this.state.unit - 1, 0, this.state.H - 1) }),
      ArrowDown: () => this.set({ unit: clamp(this.state.unit + 1, 0, this.state.H - 1) }),
      " ": isButton ? null : () => this.togglePlay(),
    };
    if (tag === "INPUT" && el.type === "radio" && e.key.startsWith("Arrow")) return; // radio groups use arrows
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  // --- options ---------------------------------------------------------------------------------

  async copyLink() {
    const url = urlWith(this.id, this.urlEntries());
    url.hash = this.id;
    try {
      await navigator.clipboard.writeText(url.href);
      this.linkNote.textContent = "Link copied: it opens this exact view.";
    } catch {
      this.linkNote.replaceChildren("Copy this link: ", h("input", { type: "text", readonly: true, value: url.href, class: "st-text", "aria-label": "Link to this view" }));
    }
  }

  reset() {
    this.pause();
    const fresh = initialState(this.config, {}, this.locked);
    this.predict.right = this.predict.total = 0;
    this.predict.idle("");
    this.predict.score.textContent = "";
    this.predict.result.textContent = "";
    this.state = fresh;
    this.sync();
    this.refresh();
    writeUrlState(this.id, {});
  }

  /** Called once the widget is near the viewport: fetch the first trace. */
  show() {
    if (this.visible) return;
    this.visible = true;
    this.refresh();
  }
}

/** Return what identifies a trace's network (its weights), whatever the input. */
const networkKey = (run) => `${run.cell}|${run.hidden_size}|${run.seed}|${run.weight_scale}|${run.memory_bias}`;

function escapeCh(ch) {
  return ch === " " ? "space" : ch === "<" ? "&lt;" : ch === "&" ? "&amp;" : glyph(ch);
}

export { MAX_INPUT };
