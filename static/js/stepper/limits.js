// What the engine accepts (vocabulary, sizes, cells and their gates, ranges), from the server:
// GET /api/engine/limits reads them from the request models, so the page and the API cannot
// disagree. Imported as a JSON module, it loads with the stepper's other modules (cached for an
// hour), so the widgets are built before the page's load event, as when the numbers were here.

import l from "/api/engine/limits" with { type: "json" };

export const limits = Object.freeze({
  vocab: l.vocab,
  vocabSet: new Set(l.vocab),
  maxInput: l.max_input,
  maxHidden: l.max_hidden,
  cells: l.cells.map((c) => c.id), // ["rnn", "lstm", "gru"]
  cellNames: Object.fromEntries(l.cells.map((c) => [c.id, c.name])), // {lstm: "LSTM"}
  gates: Object.fromEntries(l.cells.map((c) => [c.id, c.gates])), // {lstm: ["i", "f", "g", "o"]}
  seed: l.seed, // [lowest, highest]
  weightScale: l.weight_scale,
  memoryBias: l.memory_bias,
  maxOverrides: l.max_overrides,
  overrides: l.overrides, // {h: [-1, 1], c: [-10, 10], forget: [0, 1]}
  inits: l.inits, // ["pytorch", "orthogonal", "irnn"]
  initCells: l.init_cells, // {irnn: ["rnn"], pytorch: ["rnn", "lstm", "gru"], ...}
  initNonlinearity: l.init_nonlinearity, // {irnn: "relu", pytorch: "tanh", ...}
  hRange: l.h_range, // what an h override may be: {tanh: [-1, 1], relu: [0, 10]}
  train: { hidden: l.train.hidden_size, length: l.train.parade_length, steps: l.train.steps },
  sample: { temperature: l.sample.temperature, length: l.sample.length },
});
