// The update equation of one unit, recomputed in the browser from the weights the API sent, so
// the student sees every number that went into h_t — and we check it reproduces the engine.

import { escapeHtml, fmt, glyph } from "./dom.js";
import { limits } from "./limits.js";

/** σ(a) = 1 / (1 + e^−a): the gates' squashing function (the one sigmoid of the stepper). */
export const sigmoid = (a) => 1 / (1 + Math.exp(-a));
/** relu(a) = max(a, 0): the units of an RNN started as an IRNN (0 at a = 0, as the engine). */
export const relu = (a) => Math.max(a, 0);
// The RNN's f in h_t = f(a_t), by the trace's `nonlinearity`.
const RNN_F = { tanh: Math.tanh, relu };

/** Return the pieces of row `row`'s pre-activation: input column, biases and the W_hh terms. */
function preactivation(params, row, tok, hPrev) {
  const W_hh = params.weight_hh[row];
  const terms = hPrev.map((hj, j) => ({ j, w: W_hh[j], h: hj, v: W_hh[j] * hj }));
  const recurrent = terms.reduce((s, t) => s + t.v, 0);
  return {
    x: params.weight_ih[row][tok], // W_ih x_t with one-hot x_t: the character's column
    b_ih: params.bias_ih[row],
    b_hh: params.bias_hh[row],
    terms,
    recurrent,
  };
}

/**
 * Return every number of unit u's update at step t, and whether it matches the API's h_t.
 * `edits` are the student's overrides of this unit at this step (a forked run): the engine
 * applies them after the equation (forget gate, then c, then h), and so do we, keeping what
 * the equation alone gave in `computed` so the panel can show both.
 */
export function unitUpdate(run, t, u, edits = []) {
  const H = run.hidden_size;
  const tok = run.tokens[t];
  const hPrev = t === 0 ? run.h0 : run.h[t - 1];
  const gates = {};
  for (const [gi, name] of limits.gates[run.cell].entries()) {
    gates[name] = preactivation(run.params, gi * H + u, tok, hPrev);
  }
  const out = {
    cell: run.cell,
    nonlinearity: run.cell === "rnn" ? (run.nonlinearity ?? "tanh") : "tanh",
    t,
    u,
    char: run.input[t],
    gates,
    hPrev: hPrev[u],
    edits,
    computed: {},
  };
  if (run.cell === "rnn") {
    const g = gates.a;
    out.a = g.x + g.b_ih + g.recurrent + g.b_hh;
    out.h = RNN_F[out.nonlinearity](out.a);
  } else if (run.cell === "lstm") {
    const act = (name, f) =>
      f(gates[name].x + gates[name].b_ih + gates[name].recurrent + gates[name].b_hh);
    out.pre = {};
    for (const name of ["i", "f", "g", "o"]) {
      const p = gates[name];
      out.pre[name] = p.x + p.b_ih + p.recurrent + p.b_hh;
    }
    out.i = act("i", sigmoid);
    out.f = act("f", sigmoid);
    out.g = act("g", Math.tanh);
    out.o = act("o", sigmoid);
    out.cPrev = t === 0 ? run.c0[u] : run.c[t - 1][u];
    const forget = edits.find((e) => e.target === "forget");
    if (forget) [out.computed.f, out.f] = [out.f, forget.value];
    out.c = out.f * out.cPrev + out.i * out.g;
    const cEdit = edits.find((e) => e.target === "c");
    if (cEdit) [out.computed.c, out.c] = [out.c, cEdit.value];
    out.h = out.o * Math.tanh(out.c);
  } else {
    const { r: R, z: Z, n: Nn } = gates;
    out.pre = { r: R.x + R.b_ih + R.recurrent + R.b_hh, z: Z.x + Z.b_ih + Z.recurrent + Z.b_hh };
    out.r = sigmoid(out.pre.r);
    out.z = sigmoid(out.pre.z);
    out.nHidden = Nn.recurrent + Nn.b_hh; // W_hn h + b_hn, which the reset gate scales
    out.pre.n = Nn.x + Nn.b_ih + out.r * out.nHidden;
    out.n = Math.tanh(out.pre.n);
    out.h = (1 - out.z) * out.n + out.z * out.hPrev;
  }
  const hEdit = edits.find((e) => e.target === "h");
  if (hEdit) [out.computed.h, out.h] = [out.h, hEdit.value];
  out.engineH = run.h[t][u];
  out.matches = Math.abs(out.h - out.engineH) < 1e-9;
  if (run.cell === "lstm") {
    out.engineC = run.c[t][u];
    out.matches &&= Math.abs(out.c - out.engineC) < 1e-9;
  }
  return out;
}

// --- HTML ------------------------------------------------------------------------------------

/** A number with its exact value in a tooltip. */
const num = (v, d = 3, cls = "") =>
  `<span class="eq-num${cls ? ` ${cls}` : ""}" title="${v}" data-value="${v}">${fmt(v, d)}</span>`;
const paren = (v, d = 3) => (v < 0 ? `(${num(v, d)})` : num(v, d));

const MAX_TERMS = 4;

function sumHtml(p, weightName) {
  const shown =
    p.terms.length <= MAX_TERMS + 1
      ? p.terms
      : [...p.terms].sort((a, b) => Math.abs(b.v) - Math.abs(a.v)).slice(0, MAX_TERMS);
  const parts = shown.map((t) => `${paren(t.w, 2)}·${paren(t.h, 2)}`);
  const rest = p.terms.length - shown.length;
  const more = rest ? ` + <span class="eq-more">${rest} smaller terms</span>` : "";
  const label = rest ? `largest of Σ<sub>j</sub> ${weightName}[u,j]·h<sub>t−1</sub>[j]` : "";
  const title = escapeHtml(label || `Σ over ${p.terms.length} units`);
  return (
    `<span class="eq-sum" title="${title}">` +
    `[${parts.join(" + ")}${more}] = ${num(p.recurrent)}</span>`
  );
}

/** A result the student may have overridden: the equation's value, then "→ your edit". */
function result(value, computed, d = 4, cls = "") {
  if (computed === undefined) return num(value, d, cls);
  return (
    `${num(computed, d, "eq-computed")} ` +
    '<span class="eq-edit" title="Your edit replaces what the equation gives">' +
    `→ your edit ${num(value, d, `eq-edited ${cls}`)}</span>`
  );
}

/** Return one line of the equation: `lhs` = `rhs`. */
const line = (lhs, rhs) => `<div class="eq-line"><span class="eq-lhs">${lhs}</span> = ${rhs}</div>`;
const sub = (x, s) => `${x}<sub>${s}</sub>`;
const H_PREV = sub("h", "t−1");

function gateLine(name, p, label, fn, value, pre, xName, computed) {
  const sum = sumHtml(p, `W_h${name}`);
  const inside = `${num(p.x)} + ${paren(p.b_ih)} + ${sum} + ${paren(p.b_hh)}`;
  const rhs = `${fn}(${inside}) = ${fn}(${num(pre)}) = ${result(value, computed, 4, "eq-result")}`;
  return `${line(label, rhs)}\n  <div class="eq-key">${xName}</div>`;
}

const EDIT_TEXT = {
  h: "h<sub>t</sub>",
  c: "the cell state c<sub>t</sub>",
  forget: "the forget gate f<sub>t</sub>",
};

/**
 * Return the lines of unit u's RNN update: tanh (or relu, for ReLU units) of the input, the
 * sum and the biases.
 */
function rnnLines(up, u, ch) {
  const p = up.gates.a;
  const c = up.computed;
  const f = up.nonlinearity; // "tanh" or "relu": the function's own name is what is shown
  const sym =
    `h<sub>t</sub>[${u}] = ${f}( W<sub>ih</sub>[${u}, ‘${ch}’] + b<sub>ih</sub>[${u}] + ` +
    `Σ<sub>j</sub> W<sub>hh</sub>[${u},j]·${H_PREV}[j] + b<sub>hh</sub>[${u}] )`;
  const inside = `${num(p.x)} + ${paren(p.b_ih)} + ${sumHtml(p, "W_hh")} + ${paren(p.b_hh)}`;
  const lines = [
    `<div class="eq-sym">${sym}</div>`,
    line(`h<sub>t</sub>[${u}]`, `${f}( ${inside} )`),
    line("", `${f}( ${num(up.a)} ) = ${result(up.h, c.h, 4, "eq-result")}`),
  ];
  if (f === "relu") {
    lines.push(
      '<div class="eq-key">relu(a) = max(a, 0): a negative sum gives 0, a positive one ' +
        "passes unchanged, so h is never below 0 and has no upper bound</div>",
    );
  }
  return lines;
}

/** Return the lines of unit u's LSTM update: the four gates, then c_t and h_t. */
function lstmLines(up, u, ch) {
  const g = up.gates;
  const c = up.computed;
  const sym =
    `gate = σ or tanh( W<sub>i·</sub>[${u}, ‘${ch}’] + b<sub>i·</sub> + ` +
    `Σ<sub>j</sub> W<sub>h·</sub>[${u},j]·${H_PREV}[j] + b<sub>h·</sub> ), ` +
    "then c<sub>t</sub> = f·c<sub>t−1</sub> + i·g, h<sub>t</sub> = o·tanh(c<sub>t</sub>)";
  const gate = (name, fn, what, computed) =>
    gateLine(name, g[name], `${sub(name, "t")}[${u}]`, fn, up[name], up.pre[name], what, computed);
  const cRhs =
    `f·c<sub>t−1</sub> + i·g = ${num(up.f)}·${paren(up.cPrev)} + ` +
    `${num(up.i)}·${paren(up.g)} = ${result(up.c, c.c)}`;
  const hRhs =
    `o·tanh(c<sub>t</sub>) = ${num(up.o)}·tanh(${num(up.c)}) = ` +
    result(up.h, c.h, 4, "eq-result");
  return [
    `<div class="eq-sym">${sym}</div>`,
    gate("i", "σ", "input gate: how much of the candidate g to write"),
    gate("f", "σ", "forget gate: how much of c<sub>t−1</sub> to keep", c.f),
    gate("g", "tanh", "candidate: what to write"),
    gate("o", "σ", "output gate: how much of the memory to show"),
    line(`c<sub>t</sub>[${u}]`, cRhs),
    line(`h<sub>t</sub>[${u}]`, hRhs),
  ];
}

/** Return the lines of unit u's GRU update: r and z, the candidate n, then h_t. */
function gruLines(up, u) {
  const g = up.gates;
  const n = g.n;
  const c = up.computed;
  const sym =
    `r, z = σ( W<sub>i·</sub>x + b + W<sub>h·</sub>${H_PREV} + b ); ` +
    "n = tanh( W<sub>in</sub>x + b<sub>in</sub> + " +
    `r·(W<sub>hn</sub>${H_PREV} + b<sub>hn</sub>) ); ` +
    `h<sub>t</sub> = (1−z)·n + z·${H_PREV}`;
  const gate = (name, what) =>
    gateLine(name, g[name], `${sub(name, "t")}[${u}]`, "σ", up[name], up.pre[name], what);
  const inside = `${sumHtml(n, "W_hn")} + ${paren(n.b_hh)}`;
  const nRhs =
    `tanh( ${num(n.x)} + ${paren(n.b_ih)} + ${num(up.r)}·(${inside}) ) = ` +
    `tanh(${num(up.pre.n)}) = ${num(up.n, 4)}`;
  const hRhs =
    `(1 − ${num(up.z)})·${paren(up.n)} + ${num(up.z)}·${paren(up.hPrev)} = ` +
    result(up.h, c.h, 4, "eq-result");
  return [
    `<div class="eq-sym">${sym}</div>`,
    gate("r", `reset gate: how much of ${H_PREV} the candidate sees`),
    gate("z", `update gate: how much of ${H_PREV} to keep`),
    line(`n<sub>t</sub>[${u}]`, nRhs),
    '<div class="eq-key">candidate: the new content</div>',
    line(`h<sub>t</sub>[${u}]`, hRhs),
  ];
}

const LINES = { rnn: rnnLines, lstm: lstmLines, gru: gruLines };

/** Return the HTML of unit u's update equation with the numbers filled in; `run` names the run. */
export function equationHtml(up, run = "") {
  const u = up.u;
  const ch = escapeHtml(glyph(up.char));
  const which = run ? `<span class="eq-run">${escapeHtml(run)}</span> · ` : "";
  const head =
    `<p class="eq-head">${which}Unit <strong>${u}</strong> at step ` +
    `<strong>${up.t + 1}</strong>, input “<code>${ch}</code>”</p>`;
  const c = up.computed;
  const body = LINES[up.cell](up, u, ch).join("\n      ");
  const edits = up.edits.map((e) => EDIT_TEXT[e.target]);
  const recomputed =
    up.cell === "lstm" && c.h === undefined ? "; the rest of the step is recomputed from it" : "";
  const note = edits.length
    ? '<p class="eq-override">Your edit is applied at this step: the edited run takes ' +
      `${edits.join(" and ")} of unit ${u} from the fork, not from the equation ` +
      `(marked “→ your edit”)${recomputed}. Every later step starts from the edited values.</p>`
    : "";
  const engineC =
    up.engineC === undefined ? "" : ` and c<sub>t</sub>[${u}] = ${fmt(up.engineC, 4)}`;
  const what = edits.length ? "With your edit, matches" : "Matches";
  const title = `Recomputed here from the weights: ${up.h}; the engine's h_t: ${up.engineH}`;
  const check = up.matches
    ? `<p class="eq-check ok" title="${title}">✓ ${what} the engine's ` +
      `h<sub>t</sub>[${u}] = ${fmt(up.engineH, 4)}${engineC}</p>`
    : `<p class="eq-check bad">✗ Recomputed ${up.h}, but the engine says ${up.engineH}</p>`;
  return head + body + note + check;
}
