// The widget's state: what the lesson configured, overridden by the URL for unlocked controls,
// and how a change to it plays out (a new sequence starts at step 1, edits that no longer fit
// are dropped). The state is also kept in the URL, so a copied link reproduces the view.

import { debounce } from "./dom.js";
import { decodeForks, encodeForks } from "./fork.js";
import { limits } from "./limits.js";
import { sanitize } from "./sanitize.js";
import {
  FORGET_BIASES,
  fitInit,
  PRESET,
  parseLengths,
  TRAIN_MEMORY_BIAS,
  trainLimits,
} from "./trainsettings.js";
import { readUrlState, urlWith, writeUrlState } from "./url.js";

export const VIEWS = { stepper: "Step through", parade: "Parade", train: "Train" };
export const SPEEDS = [0.5, 1, 2, 4, 8];
// The settings that make another network or input: a change refetches the trace.
const NETWORK_KEYS = ["cell", "H", "ws", "mb", "seed", "input", "net"];
// The settings of a seeded network: changing one leaves a trained network for a seeded one.
const SEEDED_KEYS = ["cell", "H", "ws", "mb", "seed"];

export const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
const int = (s, fallback) => (s != null && /^-?\d+$/.test(s) ? parseInt(s, 10) : fallback);
const num = (s, fallback) => (s != null && s !== "" && Number.isFinite(+s) ? +s : fallback);

/** Return the widget's state: the lesson's config, overridden by the URL for unlocked controls. */
export function initialState(config, url, locked) {
  const open = (c) => !locked.has(c);
  const L = limits;
  const bias = config.memory_bias ?? 0;
  const train = trainLimits();
  const s = {
    view: VIEWS[url.view] ? url.view : config.view,
    cell: open("cell") && L.cells.includes(url.cell) ? url.cell : config.cell,
    H: open("hidden_size")
      ? clamp(int(url.hidden, config.hidden_size), 1, L.maxHidden)
      : config.hidden_size,
    ws: open("weight_scale")
      ? clamp(num(url.scale, config.weight_scale), ...L.weightScale)
      : config.weight_scale,
    seed: open("seed") ? clamp(int(url.seed, config.seed), ...L.seed) : config.seed,
    mb: open("memory_bias") ? clamp(num(url.bias, bias), ...L.memoryBias) : bias,
    input: config.input,
    t: 0,
    unit: 0,
    forks: [],
    predict: url.predict === "1" && open("predict"),
    guess: url.guess === "gate" ? "gate" : "rise",
    eqRun: url.eq === "original" ? "original" : "edited",
    table: url.table === "1",
    speed: SPEEDS.includes(num(url.speed, 1)) ? num(url.speed, 1) : 1,
    // a kept trained network on show ({id, cell, H, label}), or null: never in the URL, as
    // it is kept only for a while
    net: null,
    train: {
      task: url.task === "next_char" ? "next_char" : "remember_first",
      init: "pytorch", // fitted to the cell below
      fb: FORGET_BIASES.includes(num(url.fb, -1)) ? num(url.fb, -1) : TRAIN_MEMORY_BIAS,
      length: clamp(int(url.length, train.length[2]), train.length[0], train.length[1]),
      steps: clamp(int(url.steps, train.steps[2]), train.steps[0], train.steps[1]),
      lr: clamp(num(url.lr, 0.01), 0.0001, 1),
      lengths: parseLengths(url.lengths) ?? PRESET.lengths,
      budget: clamp(int(url.budget, PRESET.steps), train.steps[0], train.steps[1]),
    },
  };
  s.train.init = fitInit(url.init, s.cell).init;
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
  const cell = a.cell !== b.cell && b.view === "stepper";
  return a.input !== b.input || a.seed !== b.seed || a.H !== b.H || cell || a.net !== b.net;
}

/** Return the range of h in the network of state s: a kept IRNN's ReLU units, else tanh's. */
export const hRange = (s) => limits.hRange[s.net?.nonlinearity ?? "tanh"];

/** Return the edits that still fit the network of state s (the server's override limits). */
export function validForks(forks, s) {
  const fits = (f) => {
    if (f.step >= s.input.length || f.unit >= s.H) return false;
    if (f.target !== "h" && s.cell !== "lstm") return false;
    const ranges = { ...limits.overrides, h: hRange(s) };
    const [lo, hi] = ranges[f.target] ?? [0, -1];
    return f.value >= lo && f.value <= hi;
  };
  return forks.filter(fits);
}

/**
 * Apply `patch` to state s; return what it means: {network} (another network or input),
 * {refetch} (the trace must be fetched again), {dropped} (edits that no longer fit were removed).
 */
export function applyPatch(s, patch) {
  const before = { ...s };
  Object.assign(s, patch);
  if (
    patch.net === undefined &&
    SEEDED_KEYS.some((k) => patch[k] != null && patch[k] !== before[k])
  )
    s.net = null;
  if (patch.H != null) s.unit = clamp(s.unit, 0, s.H - 1);
  if (isNewTrace(before, s)) s.t = patch.t ?? 0;
  const network = NETWORK_KEYS.some((k) => patch[k] !== undefined && patch[k] !== before[k]);
  let dropped = false;
  if (network && !patch.forks) {
    const kept = validForks(s.forks, s);
    dropped = kept.length !== s.forks.length;
    s.forks = kept;
  }
  const refetch = network || patch.view != null || patch.forks != null;
  return { network, refetch, dropped };
}

/** Like applyPatch, for sliders being dragged: the fetch waits until the drag settles. */
export function applyLive(s, patch) {
  const before = { ...s };
  Object.assign(s, patch);
  if (SEEDED_KEYS.some((k) => patch[k] != null && patch[k] !== before[k])) s.net = null;
  if (isNewTrace(before, s)) s.t = 0;
  s.unit = clamp(s.unit, 0, s.H - 1);
  s.forks = validForks(s.forks, s);
}

/** Return the URL parameters that reproduce state s (defaults left out where harmless). */
export function urlEntries(s) {
  const e = {
    view: s.view,
    cell: s.cell,
    hidden: s.H,
    scale: s.ws,
    bias: s.mb,
    seed: s.seed,
    input: s.input,
    step: s.t + 1,
    unit: s.unit,
  };
  if (s.forks.length) e.fork = encodeForks(s.forks);
  if (s.predict) e.predict = 1;
  if (s.guess === "gate") e.guess = "gate";
  if (s.eqRun === "original" && s.forks.length) e.eq = "original";
  if (s.table) e.table = 1;
  if (s.speed !== 1) e.speed = s.speed;
  if (s.view === "train") {
    const { task, length, steps, lr, lengths, budget, init } = s.train;
    Object.assign(e, { task, length, steps, lr });
    if (init !== "pytorch") e.init = init;
    if (s.train.fb !== TRAIN_MEMORY_BIAS) e.fb = s.train.fb;
    if (lengths.join() !== PRESET.lengths.join()) e.lengths = lengths.join();
    if (budget !== PRESET.steps) e.budget = budget;
  }
  return e;
}

/** The state of widget `id` in the page URL: read once, written (debounced) on each change. */
export class UrlState {
  constructor(id) {
    this.id = id;
    this.initial = readUrlState(id);
    this.write = debounce((s) => writeUrlState(id, urlEntries(s)), 200);
  }

  /** Return a link that opens exactly state s, scrolled to the widget. */
  link(s) {
    const url = urlWith(this.id, urlEntries(s));
    url.hash = this.id;
    return url.href;
  }

  clear() {
    writeUrlState(this.id, {});
  }
}
