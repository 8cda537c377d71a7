// Painting: rebuild the pictures for a new trace (new shapes), then paint a step into them.
// A step must fit in one frame, so render() only writes to the DOM (it never reads layout).

import { glyph, h, morphHtml } from "./dom.js";
import { equationHtml, unitUpdate } from "./equation.js";
import { focusLane } from "./fetching.js";
import { limits } from "./limits.js";
import { editedRun, rowsKey } from "./run.js";
import { announcement } from "./table.js";

const escapeCh = (ch) =>
  ch === " " ? "space" : ch === "<" ? "&lt;" : ch === "&" ? "&amp;" : glyph(ch);

export class StepPainter {
  /** view: the StepperView whose parts are painted; transport: its scrubber and buttons. */
  constructor({ view, transport }) {
    this.view = view;
    this.transport = transport;
    this.edited = null; // the run with the student's edits, or null
  }

  /**
   * Rebuild for a new trace: run (the shown cell's trace), runs ({cell: run} of the lanes),
   * s (the state), lanes (the cells the parade shows), laneLock (no lane may be picked).
   */
  rebuild(run, runs, s, lanes, laneLock) {
    const v = this.view;
    this.T = run.input.length;
    this.transport.setLength(this.T);
    v.sequence.build(run.input);
    if (s.view === "parade") {
      v.parade.build(run.input, lanes, focusLane(s), laneLock);
      v.memoryHint.update(run.memory_bias, runs);
    }
    const rows = rowsKey(run); // the cell, or "rnnrelu": its rows say which squashing made h
    v.grid.build(rows, run.hidden_size);
    v.body.classList.toggle("dense", run.hidden_size > 8); // many units: the grid takes the width
    const edited = editedRun(run);
    this.edited = edited;
    v.editGrid.el.hidden = !edited;
    v.grid.title.hidden = !edited;
    v.grid.title.textContent = "Original run";
    if (edited) v.editGrid.build(rows, run.hidden_size);
    v.grids.classList.toggle("forked", Boolean(edited));
    v.table.build(rows, run.hidden_size);
    // ‖h − h_edited‖ at each step: (T,)
    this.divergence = edited
      ? run.h.map((row, t) => Math.hypot(...row.map((x, j) => x - edited.h[t][j])))
      : null;
    this.forkStep = edited ? Math.min(...s.forks.map((f) => f.step)) : -1;
    const { cell, hidden_size: H } = run;
    const nonlinearity = run.nonlinearity ?? "tanh";
    v.fork.sync({ cell, nonlinearity, T: this.T, H, t: s.t, unit: s.unit, forks: s.forks });
    // what is on show, for whoever reads the page (tests, the benchmark): not the state asked for
    Object.assign(v.stage.dataset, { cell, hidden: H, steps: this.T, scale: run.weight_scale });
    v.stage.dataset.nonlinearity = nonlinearity;
    v.stage.dataset.network = run.network ?? "";
  }

  /** Paint step s.t of `run` everywhere; `meterPending`: the memory meter is still computing. */
  render(run, runs, s, weights, meterPending) {
    const v = this.view;
    const { t, unit, view } = s;
    if (view === "stepper") {
      v.sequence.update(t, run.influence?.[t], this.divergence, this.forkStep, meterPending);
    } else if (view === "parade") {
      v.parade.update(t, runs);
    }
    const name = limits.cellNames[run.cell];
    morphHtml(
      v.xLabel,
      `Step <strong>${t + 1}</strong> of ${this.T}: the ${name} reads ` +
        `x<sub>t</sub> = “<code>${escapeCh(run.input[t])}</code>”`,
    );
    v.grid.update(run, t, unit);
    if (this.edited) {
      v.editGrid.update(this.edited, t, unit);
      v.editGrid.title.textContent =
        t < this.forkStep
          ? `Edited run: the same until step ${this.forkStep + 1}`
          : `Edited run: differs by ‖Δh‖ = ${this.divergence[t].toFixed(3)}`;
    }
    this.renderEquation(run, s, weights);
    v.predictions.update(run, t);
    v.table.update(run, t);
    this.transport.show(t, run.input);
  }

  /** The selected unit's equation: from the fork step on, of the original or the edited run. */
  renderEquation(run, s, weights) {
    const v = this.view;
    if (!v.eqBox.open) return; // folded: nothing to paint, and no weights fetched
    const { t, unit } = s;
    const forked = Boolean(this.edited) && t >= this.forkStep;
    const useEdited = forked && s.eqRun === "edited";
    v.eqToggle.hidden = !forked;
    for (const b of v.eqRunBtns) {
      b.setAttribute("aria-pressed", String((b.dataset.run === "edited") === useEdited));
    }
    v.eqSame.hidden = !this.edited || forked;
    if (this.edited && !forked) {
      v.eqSame.textContent =
        `Both runs are identical before step ${this.forkStep + 1}, where your first edit is: ` +
        "this is the equation of either.";
    }
    if (!weights) return; // the widget shows "Loading the weights…" and renders when they come
    const edits = useEdited
      ? (run.overrides || []).filter((o) => o.step === t && o.unit === unit)
      : [];
    const label = forked ? (useEdited ? "Edited run" : "Original run") : "";
    const shown = { ...(useEdited ? this.edited : run), params: weights };
    // the same shape every step: write only the numbers that changed (see morphHtml)
    morphHtml(v.equation, equationHtml(unitUpdate(shown, t, unit, edits), label));
  }

  /** Show that the weights are on their way, or could not be loaded. */
  equationNote(text, error = false) {
    const cls = error ? "st-error" : "st-note st-eq-loading";
    this.view.equation.replaceChildren(h("p", { class: cls, text }));
  }

  /** Say the step to screen readers. */
  announce(run, s) {
    this.view.say(announcement(run, s.t, s.unit, this.view.predictions.top));
  }
}
