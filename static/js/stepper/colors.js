// Colour scales: colour-blind-safe, precomputed lookup tables so a step costs no colour maths.
// Diverging (values in [-1, 1]): blue (negative) – near-white – orange (positive), from ColorBrewer
// RdBu's blues and PuOr's oranges. Gates in [0, 1]: PuOr's purples. Influence: YlGnBu, log scale.

const DIVERGING = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806"];
const GATE = ["#f7f7f7", "#d8daeb", "#998ec3", "#542788"];
const INFLUENCE = [
  "#ffffd9",
  "#edf8b1",
  "#c7e9b4",
  "#7fcdbb",
  "#41b6c4",
  "#1d91c0",
  "#225ea8",
  "#253494",
  "#081d58",
];
const N = 256;

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance([r, g, b]) {
  const lin = (byte) => {
    const c = byte / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

// Text on a fill: white or black, whichever contrasts more. Pure black matters: against any
// fill one of the two reaches WCAG's 4.5:1 (the worst case, L ≈ 0.18, gives 4.58 either way),
// which a softer dark ink does not.
function inkOn(L) {
  const onWhite = 1.05 / (L + 0.05);
  const onBlack = (L + 0.05) / 0.05;
  return onWhite >= onBlack ? "#fff" : "#000";
}

function table(stops) {
  const rgb = stops.map(hexToRgb);
  const fill = [];
  const ink = [];
  for (let i = 0; i < N; i++) {
    const x = (i / (N - 1)) * (rgb.length - 1);
    const j = Math.min(Math.floor(x), rgb.length - 2);
    const f = x - j;
    const c = rgb[j].map((a, k) => Math.round(a + (rgb[j + 1][k] - a) * f));
    fill.push(`rgb(${c[0]},${c[1]},${c[2]})`);
    ink.push(inkOn(luminance(c)));
  }
  return { fill, ink, stops };
}

const DIV = table(DIVERGING);
const GAT = table(GATE);
const INF = table(INFLUENCE);

const index = (f) => Math.max(0, Math.min(N - 1, Math.round(f * (N - 1))));

/** Return {fill, ink} for a value in [-1, 1] (clamped). */
export function diverging(v) {
  const i = index((Math.max(-1, Math.min(1, v)) + 1) / 2);
  return { fill: DIV.fill[i], ink: DIV.ink[i] };
}

/** Return {fill, ink} for a gate value in [0, 1]. */
export function gate(v) {
  const i = index(v);
  return { fill: GAT.fill[i], ink: GAT.ink[i] };
}

// The memory meter's log scale: 1e-4 (forgotten) to 10 (louder than the present input).
export const LOG_MIN = -4;
export const LOG_MAX = 1;

/** Return the position of an influence norm on the log scale, 0..1 (may exceed 1). */
export function logPosition(v) {
  if (!(v > 0)) return 0;
  return (Math.log10(v) - LOG_MIN) / (LOG_MAX - LOG_MIN);
}

/** Return {fill, ink, pos} for an influence norm. */
export function influence(v) {
  const pos = logPosition(v);
  const i = index(Math.max(0, Math.min(1, pos)));
  return { fill: INF.fill[i], ink: INF.ink[i], pos };
}

/** Return a CSS linear-gradient for a legend bar. */
export function gradient(name) {
  const stops = { diverging: DIVERGING, gate: GATE, influence: INFLUENCE }[name];
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

// Okabe–Ito hues for the three cells' lines, also told apart by dash pattern. The colours are
// stepper.css's --lane-* tokens (light and dark): vermilion and bluish green darkened for the
// light scheme, all three lightened for the dark one, so names written in them reach 4.5:1.
export const CELL_COLOURS = {
  rnn: "var(--lane-rnn)",
  lstm: "var(--lane-lstm)",
  gru: "var(--lane-gru)",
};
export const CELL_DASH = { rnn: [], lstm: [6, 3], gru: [2, 3] };
