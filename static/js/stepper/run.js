// What a step shows, read from a trace: the same accessors for the original and the forked run.

/** The rows of the state grid per cell: key, label (HTML), what it means, colour scale. */
export const ROWS = {
  rnn: [
    ["hPrev", "h<sub>t−1</sub>", "state before", "div"],
    ["h", "h<sub>t</sub>", "new state, after tanh", "div"],
  ],
  // the RNN with ReLU units (a trained IRNN): h = relu(a) = max(a, 0)
  rnnrelu: [
    ["hPrev", "h<sub>t−1</sub>", "state before", "div"],
    ["h", "h<sub>t</sub>", "new state, after relu (never below 0)", "div"],
  ],
  lstm: [
    ["hPrev", "h<sub>t−1</sub>", "state before", "div"],
    ["cPrev", "c<sub>t−1</sub>", "memory before", "div"],
    ["i", "i<sub>t</sub>", "input gate: write how much", "gate"],
    ["f", "f<sub>t</sub>", "forget gate: keep how much", "gate"],
    ["g", "g<sub>t</sub>", "candidate: what to write", "div"],
    ["o", "o<sub>t</sub>", "output gate: show how much", "gate"],
    ["c", "c<sub>t</sub>", "new memory: f·c<sub>t−1</sub> + i·g", "div"],
    ["h", "h<sub>t</sub>", "new state: o·tanh(c<sub>t</sub>)", "div"],
  ],
  gru: [
    ["hPrev", "h<sub>t−1</sub>", "state before", "div"],
    ["r", "r<sub>t</sub>", "reset gate: how much old state n sees", "gate"],
    ["z", "z<sub>t</sub>", "update gate: keep how much", "gate"],
    ["n", "n<sub>t</sub>", "candidate: the new content", "div"],
    ["h", "h<sub>t</sub>", "new state: (1−z)·n + z·h<sub>t−1</sub>", "div"],
  ],
};

/** Return the key of `run`'s rows in ROWS: its cell, or "rnnrelu" for an RNN with ReLU units. */
export const rowsKey = (run) =>
  run.cell === "rnn" && run.nonlinearity === "relu" ? "rnnrelu" : run.cell;

/** Plain-text row names for tables and announcements. */
export const ROW_TEXT = {
  hPrev: "h before",
  cPrev: "c before",
  i: "input gate i",
  f: "forget gate f",
  g: "candidate g",
  o: "output gate o",
  c: "cell state c",
  h: "h after",
  r: "reset gate r",
  z: "update gate z",
  n: "candidate n",
};

/** Return the H values of row `key` at step t of `run`. */
export function rowValues(run, key, t) {
  switch (key) {
    case "hPrev":
      return t === 0 ? run.h0 : run.h[t - 1];
    case "cPrev":
      return t === 0 ? run.c0 : run.c[t - 1];
    case "h":
      return run.h[t];
    case "c":
      return run.c[t];
    default:
      return run.gates[key][t];
  }
}

/** Return the forked run: the original's inputs and weights with the edited states. */
export function editedRun(trace) {
  if (!trace.edited) return null;
  return { ...trace, ...trace.edited, influence: null };
}

/** Return the indices of the k most probable characters at step t. */
export function topK(probs, k) {
  const idx = probs.map((_, i) => i);
  idx.sort((a, b) => probs[b] - probs[a]);
  return idx.slice(0, k);
}
