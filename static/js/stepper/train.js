// The training view: start and stop a run, watch loss, gradient norm and accuracy stream in,
// and a preset that trains RNN and LSTM on "remember the first float" as the parade grows.
// It talks to its widget through two calls: sync(settings) shows the widget's settings in the
// form, and onChange(patch) asks the widget to change them; it never touches the widget's state.

import { streamTrain } from "./api.js";
import { h, pct, uid } from "./dom.js";
import { KeptNetworkPanel } from "./kept.js";
import { limits } from "./limits.js";
import { PresetResults, TrainCurves } from "./trainresults.js";
import {
  FORGET_BIASES,
  fitInit,
  INIT_NAMES,
  initFits,
  LR_CHOICES,
  PRESET,
  readNumber,
  TRAIN_MEMORY_BIAS,
  trainLimits,
} from "./trainsettings.js";

export { presetHidden } from "./trainsettings.js";

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const REASONS = {
  finished: "Finished",
  "time limit": "Stopped at the time limit",
  stopped: "Stopped",
  failed: "Failed",
};
const INTRO =
  "Each run starts from fresh random weights and trains on the server with backpropagation " +
  "through time. Remember the first float: the network reads L random floats and at the end " +
  "must name the first one.";

export class TrainView {
  /**
   * locked: {cell, hidden} fixed by the lesson; presetHidden: the preset's hidden size;
   * onChange(patch): the student changed the form ({cell, H, train: {...}});
   * onOpen(net): step the network a run kept ({id, cell, H, nonlinearity, label}) in the stepper.
   */
  constructor({ locked, presetHidden, onChange, onOpen }) {
    this.onChange = onChange;
    this.presetH = presetHidden;
    this.settings = null; // {cell, H, seed, train}: what sync() showed last
    this.initRefused = ""; // why the start just picked was replaced, until the next change
    this.limits = trainLimits();
    // each number field has a note beside it that says when its value was corrected
    this.notes = {};
    const field = (label, control, key) => {
      if (!control.id) control.id = uid("tr");
      const id = control.id;
      const note = key
        ? h("span", { class: "st-field-note", id: `${id}-note`, "aria-live": "polite" })
        : null;
      if (key) {
        this.notes[key] = note;
        control.setAttribute("aria-describedby", note.id);
      }
      return h("div", { class: "st-field" }, h("label", { for: id }, label), control, note);
    };
    const store = (e) => this.store(e.target);
    const number = (key, step, disabled = false) => {
      const [min, max] = this.limits[key];
      return h("input", {
        type: "number",
        min,
        max,
        step,
        class: "st-num",
        disabled,
        onchange: store,
      });
    };
    this.task = h(
      "select",
      { onchange: store },
      h("option", { value: "remember_first", text: "Remember the first float" }),
      h("option", { value: "next_char", text: "Next character of the lesson text" }),
    );
    this.cell = h(
      "select",
      { disabled: locked.cell, onchange: store },
      limits.cells.map((c) => h("option", { value: c, text: limits.cellNames[c] })),
    );
    this.hiddenSize = number("hidden", 1, locked.hidden);
    this.length = number("length", 1);
    this.steps = number("steps", 10);
    this.lr = h(
      "select",
      { onchange: store },
      LR_CHOICES.map((v) => h("option", { value: v, text: String(v) })),
    );
    this.init = h(
      "select",
      { onchange: store },
      limits.inits.map((v) => h("option", { value: v, text: INIT_NAMES[v] ?? v })),
    );
    this.fb = h(
      "select",
      { onchange: store },
      FORGET_BIASES.map((v) =>
        h("option", { value: v, text: v === 0 ? "0 (PyTorch default)" : String(v) }),
      ),
    );
    this.fbField = field("Forget-gate bias", this.fb);
    this.lengthField = field("Parade length L", this.length, "length");
    this.start = h("button", { type: "button", text: "Train", onclick: () => this.run() });
    this.stop = h("button", {
      type: "button",
      class: "secondary",
      text: "Stop",
      disabled: true,
      onclick: () => this.halt(),
    });
    this.presetBtn = h("button", {
      type: "button",
      class: "secondary",
      onclick: () => this.runPreset(),
    });
    this.presetNote = h("p", { class: "st-note st-preset-note" });
    if (locked.cell) this.presetBtn.hidden = true;
    this.status = h("p", { class: "st-train-status", role: "status" });
    this.progress = h("p", { class: "st-train-progress" });
    this.error = h("p", { class: "st-error", role: "alert" });
    this.kept = new KeptNetworkPanel({ onOpen });
    this.curves = new TrainCurves();
    this.preset = new PresetResults();

    // The task names are long: on a phone the field takes a row of its own (stepper.css).
    const taskField = field("Task", this.task);
    taskField.classList.add("st-task-field");
    this.el = h(
      "div",
      { class: "st-train" },
      h("p", { class: "st-note", text: INTRO }),
      h(
        "div",
        { class: "st-controls" },
        taskField,
        field("Cell", this.cell),
        field("Hidden units", this.hiddenSize, "hidden"),
        this.lengthField,
        field("Training steps", this.steps, "steps"),
        field("Learning rate", this.lr),
        field("Starting W_hh", this.init, "init"),
        this.fbField,
      ),
      h("div", { class: "st-train-actions" }, this.start, this.stop, this.presetBtn),
      locked.cell ? null : this.presetNote,
      this.status,
      this.progress,
      this.error,
      this.kept.el,
      this.curves.el,
      this.curves.samplesBox,
      this.preset.box,
      this.preset.table,
    );
  }

  /** Show the widget's settings ({cell, H, seed, train}) in the form. */
  sync(settings) {
    this.settings = settings;
    const { train } = settings;
    this.task.value = train.task;
    this.cell.value = settings.cell;
    this.hiddenSize.value = settings.H;
    this.length.value = train.length;
    this.steps.value = train.steps;
    this.lr.value = String(LR_CHOICES.includes(train.lr) ? train.lr : 0.01);
    this.lengthField.hidden = train.task !== "remember_first";
    // a start the cell cannot use is shown disabled; the note says what the start means
    for (const option of this.init.options)
      option.disabled = !initFits(option.value, settings.cell);
    const fitted = fitInit(train.init, settings.cell);
    this.init.value = fitted.init;
    this.notes.init.textContent = this.initRefused || fitted.note;
    this.fb.value = String(train.fb);
    this.fbField.hidden = settings.cell === "rnn"; // the plain RNN has no gate to bias
    const { lengths, budget } = train;
    this.presetBtn.textContent = `Compare RNN and LSTM as L grows (${lengths.join(", ")})`;
    this.presetNote.textContent =
      `The comparison trains each cell on each length with the same budget: ` +
      `${plural(budget, "step")}, learning rate ${PRESET.lr}, ` +
      `${plural(this.presetH, "hidden unit")}, seed ${settings.seed} — its own fixed setup, ` +
      `not the form's. The LSTM's forget gate starts with bias ${TRAIN_MEMORY_BIAS} (it begins ` +
      "by remembering, as LSTMs are usually set up); the RNN has no gate to bias.";
  }

  /** Read the form into a change for the widget; `changed` (the field just edited) gets a note. */
  store(changed) {
    const read = (input, key, what) => {
      const { value, note } = readNumber(input.value, this.limits[key], what);
      if (input === changed) {
        this.notes[key].textContent = note;
        input.classList.toggle("corrected", Boolean(note));
      }
      return value;
    };
    // a start the new cell cannot use falls back to PyTorch's, and says so until the next change
    const fitted = fitInit(this.init.value, this.cell.value);
    this.initRefused = fitted.init === this.init.value ? "" : fitted.note;
    const patch = {
      cell: this.cell.value,
      train: {
        ...this.settings.train,
        task: this.task.value,
        length: read(this.length, "length", "The parade length"),
        steps: read(this.steps, "steps", "Training steps"),
        lr: +this.lr.value,
        init: fitted.init,
        fb: +this.fb.value,
      },
    };
    if (!this.hiddenSize.disabled) patch.H = read(this.hiddenSize, "hidden", "Hidden units");
    this.onChange(patch);
  }

  request(overrides = {}) {
    const { cell, H, seed, train } = this.settings;
    const steps = overrides.steps ?? train.steps;
    return {
      task: train.task,
      cell,
      hidden_size: H,
      parade_length: train.length,
      n_values: 4,
      steps,
      optimizer: "adam",
      learning_rate: train.lr,
      clip_norm: 1,
      batch_size: 32,
      weight_scale: 1,
      memory_bias: train.fb,
      init: fitInit(train.init, cell).init,
      log_every: Math.max(1, Math.round(steps / 60)),
      seed,
      max_seconds: 60,
      // a next-character network can be stepped on text afterwards: keep it on the server
      keep: (overrides.task ?? train.task) === "next_char",
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
    const name = limits.cellNames[body.cell];
    const what = body.task === "remember_first" ? `, L = ${body.parade_length}` : ", next char";
    const run = this.curves.start(label || `${name}${what}`, body.cell, body.task === "next_char");
    this.kept.hide();
    this.status.textContent = `Training ${run.label}…`;
    const started = performance.now();
    const chance = () => (run.chance ? ` (chance ${pct(run.chance)})` : "");
    let reason = "";
    try {
      await streamTrain(
        body,
        (rec) => {
          if (rec.event === "start") {
            run.chance = rec.chance;
          } else if (rec.event === "progress") {
            const ppl = rec.perplexity != null ? ` · perplexity ${rec.perplexity.toFixed(2)}` : "";
            this.progress.textContent =
              `Step ${rec.step} of ${body.steps} · loss ${rec.loss.toFixed(3)}${ppl} · ` +
              `accuracy ${pct(rec.accuracy)}${chance()} · ` +
              `gradient norm ${rec.grad_norm.toFixed(3)}`;
            this.curves.add(run, rec);
          } else if (rec.event === "end") {
            reason = rec.reason;
            if (rec.network) {
              const H = plural(body.hidden_size, "hidden unit");
              const nonlinearity = limits.initNonlinearity[body.init] ?? "tanh";
              const units = nonlinearity === "relu" ? ", ReLU units from the IRNN start" : "";
              this.kept.show({
                id: rec.network,
                cell: body.cell,
                H: body.hidden_size,
                nonlinearity,
                label:
                  `your trained ${name} (${H}${units}, ` +
                  `${plural(rec.step, "step")} on the lesson text)`,
              });
            }
          }
        },
        this.abort.signal,
      );
    } catch (err) {
      if (err.name === "AbortError") {
        reason = "stopped";
      } else {
        this.error.textContent = err.message || "Training failed.";
        reason = "failed";
      }
    }
    run.done = true;
    run.reason = reason;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const last = run.last;
    const acc = last
      ? ` Final accuracy ${pct(last.accuracy)}${chance()}, loss ${last.loss.toFixed(3)}.`
      : "";
    this.status.textContent = `${REASONS[reason] || "Ended"}: ${run.label} after ${secs} s.${acc}`;
    this.curves.draw();
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
    this.error.textContent = "";
    const { lengths, budget } = this.settings.train;
    this.preset.start(lengths);
    const total = lengths.length * PRESET.cells.length;
    let n = 0;
    try {
      for (const length of lengths) {
        for (const cell of PRESET.cells) {
          if (this.cancelled) return;
          n += 1;
          const label = `${limits.cellNames[cell]}, L = ${length} (run ${n} of ${total})`;
          const body = this.request({
            task: "remember_first",
            cell,
            parade_length: length,
            steps: budget,
            learning_rate: PRESET.lr,
            hidden_size: this.presetH,
            memory_bias: TRAIN_MEMORY_BIAS,
            init: "pytorch",
          });
          const last = await this.trainOnce(body, label);
          if (!last) return;
          const { chance, reason } = this.curves.runs.at(-1);
          const { accuracy, step } = last;
          this.preset.add({ cell, length, accuracy, chance, steps: step, reason });
        }
      }
      this.status.textContent = `Done. ${this.preset.summary()}`;
    } finally {
      this.busy(false);
    }
  }
}
