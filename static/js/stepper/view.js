// The widget's layout: the tabs, the network's controls, the stage (the pictures of a step,
// the transport, the panels) and the options, built once; sync() shows the state in them.
// Painting a step is paint.js's job.

import { NetworkControls } from "./controls.js";
import { h } from "./dom.js";
import { ForkPanel } from "./fork.js";
import { Predictions } from "./output.js";
import { MemoryHint, Parade } from "./parade.js";
import { PredictPanel } from "./predict.js";
import { SequenceStrip } from "./sequence.js";
import { clamp, VIEWS } from "./state.js";
import { StateGrid, stateLegend } from "./stategrid.js";
import { NumbersTable } from "./table.js";

const KEYS = "ArrowLeft ArrowRight Space Home End ArrowUp ArrowDown";
const KEYS_TEXT =
  "Stepper. Left and right arrows step, Space plays or pauses, Home and End jump, " +
  "up and down pick a unit.";

/**
 * Return whether the page is laid out for a narrow screen (a phone), where the secondary
 * panels start folded. The breakpoint lives in stepper.css alone: its narrow media query sets
 * --st-layout to "narrow" on the widget, read here.
 */
export const isNarrow = (el) =>
  getComputedStyle(el).getPropertyValue("--st-layout").trim() === "narrow";

export class StepperView {
  /**
   * on: the widget's answers to the student: set(patch), setSoon(patch), goTo(k), answer(guess),
   * copyLink(), reset(), equationOpened(). transport and trainView are built by the widget.
   */
  constructor({ root, config, locked, hidden, state, transport, trainView, on }) {
    Object.assign(this, { root, config, locked, hidden, transport, trainView });
    root.classList.add("stepper");
    root.setAttribute("role", "region");
    const caption = config.caption ? `: ${config.caption.slice(0, 80)}` : "";
    root.setAttribute("aria-label", `Interactive RNN stepper${caption}`);
    const narrow = isNarrow(root);

    this.tabs = Object.entries(VIEWS).map(([view, label]) =>
      h("button", {
        type: "button",
        class: "st-tab",
        dataset: { view },
        text: label,
        onclick: () => on.set({ view }),
      }),
    );
    const head = h(
      "div",
      { class: "st-head" },
      config.caption ? h("p", { class: "st-caption", text: config.caption }) : null,
      h("div", { class: "st-tabs", role: "group", "aria-label": "View" }, this.tabs),
    );
    this.controls = new NetworkControls({
      state,
      locked,
      hidden,
      onChange: (patch, live) => (live ? on.setSoon(patch) : on.set(patch)),
    });

    // pictures of the current step
    const pick = (k) => on.goTo(k);
    const select = (unit) => on.set({ unit });
    this.sequence = new SequenceStrip({ onPick: pick });
    this.parade = new Parade({ onPickCell: (cell) => on.set({ cell }), onPick: pick });
    this.memoryHint = new MemoryHint({ onBias: (mb) => on.set({ mb }), open: !narrow });
    this.grid = new StateGrid({ onSelect: select });
    this.editGrid = new StateGrid({ title: "Edited run", onSelect: select });
    this.editGrid.el.hidden = true;
    this.grid.title.hidden = true;
    this.xLabel = h("p", { class: "st-x" });
    this.predictions = new Predictions({ open: !narrow });
    this.grids = h("div", { class: "st-grids" }, this.grid.el, this.editGrid.el);
    this.body = h(
      "div",
      { class: "st-body" },
      h("div", { class: "st-main" }, this.xLabel, this.grids, stateLegend()),
      this.predictions.el,
    );
    const eqBox = this.equationBox(on, narrow);

    // options: fork, predict, table, link
    this.fork = new ForkPanel({ onChange: (forks) => on.set({ forks }) });
    this.predict = new PredictPanel({
      onAnswer: (guess) => on.answer(guess),
      onKind: (guess) => on.set({ guess }),
    });
    this.table = new NumbersTable();
    const options = this.options(on);
    if (locked.has("fork")) {
      for (const el of this.fork.el.querySelectorAll("input, select, button")) el.disabled = true;
    }

    this.netText = h("span");
    this.netBar = h(
      "p",
      { class: "st-net" },
      this.netText,
      " ",
      h("button", {
        type: "button",
        class: "secondary st-small",
        text: "Back to untrained networks",
        onclick: () => on.set({ net: null }),
      }),
    );
    this.status = h("p", { class: "st-status", role: "status" });
    this.error = h("p", { class: "st-error", role: "alert" });
    this.live = h("p", { class: "visually-hidden", "aria-live": "polite", "aria-atomic": "true" });
    this.stage = h(
      "div",
      { class: "st-stage", tabindex: "0", "aria-keyshortcuts": KEYS, "aria-label": KEYS_TEXT },
      this.sequence.el,
      this.parade.el,
      this.memoryHint.el,
      transport.el,
      this.predict.el,
      this.body,
      eqBox,
      hidden.has("fork") ? null : this.fork.el,
      this.table.el,
    );
    this.stepPanel = h(
      "div",
      { class: "st-step-panel" },
      this.controls.el,
      this.netBar,
      this.status,
      this.error,
      this.stage,
      options,
    );
    root.replaceChildren(head, this.stepPanel, trainView.el, this.live);
  }

  /** The update equation's disclosure: open on a laptop, folded on a phone. */
  equationBox(on, narrow) {
    this.unitInput = h("input", {
      type: "number",
      min: 0,
      step: 1,
      class: "st-num",
      "aria-label": "Selected unit",
      onchange: () => {
        const unit = Math.round(+this.unitInput.value || 0);
        on.set({ unit: clamp(unit, 0, +this.unitInput.max) });
      },
    });
    this.equation = h("div", { class: "st-eq-body" });
    this.eqRunBtns = ["original", "edited"].map((run) =>
      h("button", {
        type: "button",
        class: "st-eq-run",
        dataset: { run },
        text: `${run === "edited" ? "Edited" : "Original"} run`,
        onclick: () => on.set({ eqRun: run }),
      }),
    );
    this.eqToggle = h(
      "div",
      { class: "st-eq-toggle", role: "group", "aria-label": "Equation of which run", hidden: true },
      h("span", { text: "Show the numbers of the" }),
      this.eqRunBtns,
    );
    this.eqSame = h("p", { class: "st-note st-eq-same", hidden: true });
    const title = "The update equation, with its numbers";
    const help =
      "Click a cell (or press ↑/↓ in the stepper) to pick another unit. " +
      "Hover a number for its exact value.";
    this.eqBox = h(
      "details",
      { class: "st-eq st-fold", open: !narrow },
      h("summary", {}, h("span", { class: "st-fold-title", text: title })),
      h("h4", {}, "The update of unit ", this.unitInput, " with its numbers"),
      this.eqToggle,
      this.eqSame,
      this.equation,
      h("p", { class: "st-note", text: help }),
    );
    // the weights are fetched when it opens
    this.eqBox.addEventListener("toggle", () => {
      if (this.eqBox.open) on.equationOpened();
    });
    return this.eqBox;
  }

  options(on) {
    const box = (key) =>
      h("input", { type: "checkbox", onchange: (e) => on.set({ [key]: e.target.checked }) });
    this.predictBox = box("predict");
    this.tableBox = box("table");
    this.linkNote = h("span", { class: "st-link-note", "aria-live": "polite" });
    if (this.locked.has("predict")) this.predictBox.disabled = true;
    const button = (text, onclick, title = null) =>
      h("button", { type: "button", class: "secondary st-small", text, title, onclick });
    return h(
      "div",
      { class: "st-options" },
      this.hidden.has("predict")
        ? null
        : h("label", { class: "st-check" }, this.predictBox, " Predict before each step"),
      h("label", { class: "st-check" }, this.tableBox, " Numbers as a table"),
      button("Copy link to this view", () => on.copyLink()),
      button("Reset", () => on.reset(), "Back to this lesson's settings"),
      this.linkNote,
    );
  }

  /** Show the state in every control; `lanes` are the cells the parade shows. */
  sync(s, lanes) {
    for (const tab of this.tabs) {
      tab.setAttribute("aria-pressed", String(tab.dataset.view === s.view));
    }
    this.root.dataset.view = s.view;
    this.root.dataset.cell = s.cell;
    this.stepPanel.hidden = s.view === "train";
    this.trainView.el.hidden = s.view !== "train";
    this.sequence.el.hidden = s.view !== "stepper";
    this.parade.el.hidden = s.view !== "parade";
    // Only where a gated lane is on show and the student may change the memory bias.
    const noBias = this.locked.has("memory_bias") || this.hidden.has("memory_bias");
    const gated = lanes.some((c) => c === "lstm" || c === "gru");
    this.memoryHint.el.hidden = s.view !== "parade" || !gated || noBias;
    this.netBar.hidden = !s.net;
    this.netText.textContent = s.net
      ? `You are stepping ${s.net.label}: “Trained” after training, “Before training” the ` +
        "same network as it started. Changing the cell, size or seed goes back to untrained ones."
      : "";
    this.controls.sync(s);
    this.transport.sync(s);
    this.predictBox.checked = s.predict;
    this.tableBox.checked = s.table;
    this.table.el.hidden = !s.table;
    this.predict.el.hidden = !s.predict;
    this.predict.sync(s.guess, s.cell);
    this.unitInput.max = s.H - 1;
    this.unitInput.value = s.unit;
  }

  say(text) {
    this.live.textContent = text;
  }

  /** Offer the link to copy by hand (the clipboard was refused). */
  showLink(href) {
    this.linkNote.replaceChildren(
      "Copy this link: ",
      h("input", {
        type: "text",
        readonly: true,
        value: href,
        class: "st-text",
        "aria-label": "Link to this view",
      }),
    );
  }
}
