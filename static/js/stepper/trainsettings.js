// The Train view's numbers: the form's ranges (the server's limits) and defaults, the RNN-vs-LSTM
// preset, and reading a typed number into its range with a note saying what was corrected.

import { limits } from "./limits.js";

/**
 * The RNN-vs-LSTM preset: both cells get the same budget (training steps, learning rate,
 * hidden units, seed). 800 steps is what an LSTM needs to solve L = 40 at 8 units; a plain
 * RNN stays near chance from L = 20 on however long it trains. A link can shrink the preset
 * (`<id>.lengths=3,15&<id>.budget=150`), which the browser test uses.
 */
export const PRESET = { lengths: [5, 10, 20, 40], steps: 800, lr: 0.01, cells: ["rnn", "lstm"] };
// Added to the LSTM forget-gate bias at the start, for single runs and the preset alike (the
// API's default, sent explicitly so the page says what it trains): gated cells begin by
// remembering, as the usual LSTM recipe advises. A plain RNN has no gate to bias.
export const TRAIN_MEMORY_BIAS = 3;
export const LR_CHOICES = [0.001, 0.003, 0.01, 0.03, 0.1];
// The forget-gate (LSTM) / update-gate (GRU) bias a run may start with: PyTorch's 0, or open.
export const FORGET_BIASES = [0, 1, 3];
// The starting W_hh a run may draw (the server's `init` choices, limits.inits).
export const INIT_NAMES = {
  pytorch: "PyTorch default (uniform)",
  orthogonal: "Orthogonal (spectral radius 1)",
  irnn: "Identity + ReLU (IRNN, RNN only)",
};
// What a start means, said under the select; "" says nothing.
const INIT_NOTES = {
  irnn:
    "W_hh starts as the identity and the biases at 0, with ReLU units: h = relu(…), never " +
    "below 0. Each step starts by copying the state (Le et al., 2015). It wants a small " +
    "learning rate, such as 0.001.",
};

/** Return whether start `init` can start a `cell` (the server's limits.initCells). */
export const initFits = (init, cell) => (limits.initCells[init] ?? []).includes(cell);

/**
 * Return {init, note} for a run of `cell` from `init`: a start the cell cannot use (IRNN for a
 * gated cell) becomes PyTorch's default, and the note says so; otherwise what the start means.
 */
export function fitInit(init, cell) {
  if (!limits.inits.includes(init)) return { init: "pytorch", note: "" };
  if (!initFits(init, cell)) {
    const name = limits.cellNames[cell] ?? cell;
    return {
      init: "pytorch",
      note: `${INIT_NAMES[init] ?? init} starts a plain RNN only: the ${name} starts from the PyTorch default.`,
    };
  }
  return { init, note: INIT_NOTES[init] ?? "" };
}
// Fewer than 10 training steps would draw no curve worth reading.
const MIN_STEPS = 10;
const DEFAULTS = { hidden: 8, length: 10, steps: 400 };

/** Return the form's numbers: {hidden, length, steps: [lowest, highest, default]}. */
export function trainLimits() {
  const { hidden, length, steps } = limits.train;
  return {
    hidden: [...hidden, DEFAULTS.hidden],
    length: [...length, DEFAULTS.length],
    steps: [Math.max(MIN_STEPS, steps[0]), steps[1], DEFAULTS.steps],
  };
}

/** Return the preset's parade lengths from a URL value ("3,15"), or null if malformed. */
export function parseLengths(text) {
  if (!text || !/^\d+(,\d+){0,5}$/.test(text)) return null;
  const lengths = [...new Set(text.split(",").map(Number))].sort((a, b) => a - b);
  const [lo, hi] = limits.train.length;
  return lengths.every((L) => L >= lo && L <= hi) ? lengths : null;
}

/** The preset's own hidden size: the lesson's if it is a fair size, else 16 (never the form's). */
export const presetHidden = (configured) => (configured >= 8 && configured <= 32 ? configured : 16);

/**
 * Return {value, note} for a number field: empty (or not a number) gives the default, a value
 * out of range is clamped, and the note says which happened ("" when the value was fine).
 */
export function readNumber(text, [lo, hi, fallback], what) {
  const raw = String(text).trim();
  if (raw === "") return { value: fallback, note: `Empty: using the default, ${fallback}.` };
  const v = Number(raw);
  if (!Number.isFinite(v)) {
    return { value: fallback, note: `Not a number: using the default, ${fallback}.` };
  }
  const r = Math.round(v);
  if (r < lo) return { value: lo, note: `${what} must be at least ${lo}: using ${lo}.` };
  if (r > hi) return { value: hi, note: `${what} can be at most ${hi}: using ${hi}.` };
  return { value: r, note: r !== v ? `Whole numbers only: using ${r}.` : "" };
}
