// Fork the timeline: overwrite one number at step k (a hidden unit, the LSTM cell state, or the
// LSTM forget gate) and run on; the widget shows the original and edited runs side by side.

import { fmt, h, uid } from "./dom.js";
import { limits } from "./limits.js";

// The slider's step per target; its range is the server's, except that c (which the server
// bounds at ±10) gets ±5 at most, where an untrained cell state lives.
const STEPS = { h: 0.01, c: 0.05, forget: 0.01 };
const C_SLIDER = 5;
const TARGET_TEXT = { h: "hidden unit h", c: "cell state c", forget: "forget gate f" };

export class ForkPanel {
  constructor({ onChange }) {
    this.onChange = onChange;
    this.step = h("input", { type: "number", min: 1, step: 1, id: uid("fk"), class: "st-num" });
    this.unit = h("input", { type: "number", min: 0, step: 1, id: uid("fu"), class: "st-num" });
    this.target = h("select", { id: uid("ft"), onchange: () => this.syncRange() });
    this.value = h("input", { type: "range", id: uid("fv"), oninput: () => this.showValue() });
    this.valueOut = h("output", { class: "st-out-val" });
    this.list = h("ul", { class: "st-fork-list" });
    this.clear = h("button", {
      type: "button",
      class: "secondary",
      text: "Undo all edits",
      onclick: () => this.onChange([]),
    });
    const form = h(
      "form",
      {
        class: "st-fork-form",
        onsubmit: (e) => {
          e.preventDefault();
          this.add();
        },
      },
      h("label", { for: this.step.id }, "At step"),
      this.step,
      h("label", { for: this.target.id }, "set"),
      this.target,
      h("label", { for: this.unit.id }, "of unit"),
      this.unit,
      h("label", { for: this.value.id }, "to"),
      h("span", { class: "st-fork-value" }, this.value, this.valueOut),
      h("button", { type: "submit", text: "Fork" }),
    );
    this.el = h(
      "details",
      { class: "st-fork" },
      h(
        "summary",
        {},
        h("strong", { text: "Fork the timeline" }),
        " — change one number, see what follows",
      ),
      h("p", {
        class: "st-note",
        text:
          "Overwrite a number at one step and let the same network run on. " +
          "The original and the edited run then appear side by side: identical before the " +
          "edit, different after it.",
      }),
      form,
      this.list,
      this.clear,
    );
    this.el.addEventListener("toggle", () => this.el.open && this.onOpen?.());
  }

  /**
   * Show the form for `cell` (an RNN's units: `nonlinearity`, "tanh" or "relu") with T steps
   * and H units; default to step t and unit u.
   */
  sync({ cell, nonlinearity = "tanh", T, H, t, unit, forks }) {
    const targets = cell === "lstm" ? ["h", "c", "forget"] : ["h"];
    this.hRange = limits.hRange[nonlinearity];
    const kind = `${cell}:${nonlinearity}`;
    if (this.target.dataset.kind !== kind) {
      this.target.dataset.kind = kind;
      this.target.replaceChildren(
        ...targets.map((v) => h("option", { value: v, text: TARGET_TEXT[v] })),
      );
      this.syncRange();
    }
    this.step.max = T;
    this.unit.max = H - 1;
    if (!this.touched) {
      this.step.value = t + 1;
      this.unit.value = unit;
    }
    this.forks = forks;
    this.list.replaceChildren(
      ...forks.map((f, i) =>
        h(
          "li",
          {},
          `Step ${f.step + 1}: ${TARGET_TEXT[f.target]}[${f.unit}] set to ${fmt(f.value, 2)} `,
          h("button", {
            type: "button",
            class: "st-link",
            text: "remove",
            "aria-label": `Remove the edit at step ${f.step + 1}`,
            onclick: () => this.onChange(forks.filter((_, j) => j !== i)),
          }),
        ),
      ),
    );
    this.clear.hidden = !forks.length;
    this.step.oninput = this.unit.oninput = () => {
      this.touched = true;
    };
  }

  syncRange() {
    const target = this.target.value || "h";
    // h: tanh's [-1, 1], or ReLU's [0, 10] (the server's ceiling for an unbounded h)
    let [lo, hi] = target === "h" ? (this.hRange ?? limits.overrides.h) : limits.overrides[target];
    if (target === "c") [lo, hi] = [Math.max(lo, -C_SLIDER), Math.min(hi, C_SLIDER)];
    const step = STEPS[target];
    Object.assign(this.value, { min: lo, max: hi, step });
    this.value.value = this.target.value === "forget" ? 1 : 0;
    this.showValue();
  }

  showValue() {
    this.valueOut.textContent = fmt(+this.value.value, 2);
  }

  add() {
    const edit = {
      step: Math.max(0, Math.min(+this.step.max - 1, Math.round(+this.step.value) - 1)),
      unit: Math.max(0, Math.min(+this.unit.max, Math.round(+this.unit.value))),
      target: this.target.value,
      value: +this.value.value,
    };
    const rest = this.forks.filter(
      (f) => !(f.step === edit.step && f.unit === edit.unit && f.target === edit.target),
    );
    this.touched = false;
    this.onChange([...rest, edit].slice(-limits.maxOverrides));
  }
}

/** Encode edits for the URL: step.unit.target.value joined by "~". */
export const encodeForks = (forks) =>
  forks.map((f) => `${f.step}.${f.unit}.${f.target}.${f.value}`).join("~");

/** Decode edits from the URL, dropping anything malformed. */
export function decodeForks(text) {
  if (!text) return [];
  return text
    .split("~")
    .map((part) => {
      const m = /^(\d+)\.(\d+)\.(h|c|forget)\.(-?[\d.]+(?:e-?\d+)?)$/.exec(part);
      return m && { step: +m[1], unit: +m[2], target: m[3], value: +m[4] };
    })
    .filter((f) => f && Number.isFinite(f.value))
    .slice(0, limits.maxOverrides);
}
