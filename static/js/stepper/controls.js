// The network's settings (cell, hidden size, weight scale, seed, input) as labelled form
// controls. A lesson can lock a control (shown, disabled) or hide it.

import { h, uid } from "./dom.js";
import { icon } from "./icons.js";
import { limits } from "./limits.js";
import { changeNote, sanitize } from "./sanitize.js";

const LOCK_NOTE = "Fixed for this part of the lesson";

function lockMark() {
  return h(
    "span",
    { class: "st-lock", title: LOCK_NOTE },
    icon("lock"),
    h("span", { class: "visually-hidden", text: " (locked)" }),
  );
}

function field(label, control, { locked, hint, target = control } = {}) {
  if (!target.id) target.id = uid("st");
  const id = target.id;
  return h(
    "div",
    { class: `st-field${locked ? " locked" : ""}` },
    h("label", { for: id }, label, locked ? lockMark() : null),
    control,
    hint ? h("span", { class: "st-hint", text: hint }) : null,
  );
}

export class NetworkControls {
  /** state: the widget's state; onChange(patch) applies a change; lock/hide: sets of names. */
  constructor({ state, locked, hidden, onChange }) {
    this.onChange = onChange;
    const name = uid("cell");
    const isLocked = (c) => locked.has(c);
    const show = (c) => !hidden.has(c);

    this.cellInputs = limits.cells.map((cell) =>
      h("input", {
        type: "radio",
        name,
        value: cell,
        disabled: isLocked("cell"),
        onchange: () => onChange({ cell }),
      }),
    );
    const cellBox = h(
      "fieldset",
      { class: `st-field st-cell-pick${isLocked("cell") ? " locked" : ""}` },
      h("legend", {}, "Cell", isLocked("cell") ? lockMark() : null),
      h(
        "div",
        { class: "st-segmented" },
        this.cellInputs.map((input) =>
          h("label", {}, input, h("span", { text: limits.cellNames[input.value] })),
        ),
      ),
    );

    this.hidden = h("input", {
      type: "range",
      min: 1,
      max: limits.maxHidden,
      step: 1,
      disabled: isLocked("hidden_size"),
      oninput: () => {
        this.hiddenOut.textContent = this.hidden.value;
        onChange({ H: +this.hidden.value }, true);
      },
    });
    this.hiddenOut = h("output", { class: "st-out-val" });

    this.scale = h("input", {
      type: "range",
      min: 0,
      max: 5,
      step: 0.05,
      disabled: isLocked("weight_scale"),
      "aria-describedby": null,
      oninput: () => {
        this.scaleOut.textContent = (+this.scale.value).toFixed(2);
        onChange({ ws: +this.scale.value }, true);
      },
    });
    this.scaleOut = h("output", { class: "st-out-val" });

    this.bias = h("input", {
      type: "range",
      min: -2,
      max: 5,
      step: 0.5,
      disabled: isLocked("memory_bias"),
      oninput: () => {
        this.biasOut.textContent = (+this.bias.value).toFixed(1);
        onChange({ mb: +this.bias.value }, true);
      },
    });
    this.biasOut = h("output", { class: "st-out-val" });
    // A plain RNN has no gate to bias: hide the slider where the lesson fixes the cell to rnn.
    const showBias = show("memory_bias") && !(isLocked("cell") && state.cell === "rnn");

    const [seedLo, seedHi] = limits.seed;
    this.seed = h("input", {
      type: "number",
      min: seedLo,
      max: seedHi,
      step: 1,
      inputmode: "numeric",
      disabled: isLocked("seed"),
      onchange: () => {
        const v = Math.max(seedLo, Math.min(seedHi, Math.floor(+this.seed.value || 0)));
        onChange({ seed: v });
      },
    });
    const reseed = h(
      "button",
      {
        type: "button",
        class: "st-icon-btn",
        disabled: isLocked("seed"),
        title: "Draw new random weights",
        "aria-label": "New random seed",
        onclick: () => onChange({ seed: Math.floor(Math.random() * 100000) }),
      },
      icon("dice"),
    );

    this.input = h("input", {
      id: uid("in"),
      type: "text",
      maxlength: limits.maxInput,
      spellcheck: "false",
      autocomplete: "off",
      disabled: isLocked("input"),
      class: "st-text",
    });
    this.inputNote = h("p", { class: "st-input-note", "aria-live": "polite" });
    const inputForm = h(
      "form",
      {
        class: "st-input-form",
        onsubmit: (e) => {
          e.preventDefault();
          this.submitInput();
        },
      },
      this.input,
      h("button", { type: "submit", disabled: isLocked("input"), text: "Run" }),
    );
    this.input.addEventListener("change", () => this.submitInput());

    this.el = h(
      "div",
      { class: "st-controls" },
      show("cell") ? cellBox : null,
      show("hidden_size")
        ? field(h("span", {}, "Hidden units ", this.hiddenOut), this.hidden, {
            locked: isLocked("hidden_size"),
          })
        : null,
      show("weight_scale")
        ? field(h("span", {}, "Weight scale ", this.scaleOut), this.scale, {
            locked: isLocked("weight_scale"),
            hint: "multiplies W_hh",
          })
        : null,
      showBias
        ? field(h("span", {}, "Memory bias ", this.biasOut), this.bias, {
            locked: isLocked("memory_bias"),
            hint: "opens the LSTM forget / GRU update gate",
          })
        : null,
      show("seed")
        ? field("Seed", h("span", { class: "st-seed" }, this.seed, reseed), {
            locked: isLocked("seed"),
            target: this.seed,
          })
        : null,
      show("input")
        ? h(
            "div",
            { class: "st-field st-input-field" },
            h(
              "label",
              { for: this.input.id },
              "Input sequence",
              isLocked("input") ? lockMark() : null,
            ),
            inputForm,
            this.inputNote,
          )
        : null,
    );
  }

  submitInput() {
    if (this.input.value === this.submitted) return; // "change" and "submit" both fire on Run
    const { text, changes } = sanitize(this.input.value);
    if (!text) {
      this.inputNote.textContent = "Type at least one letter, digit or space.";
      this.inputNote.classList.add("bad");
      return;
    }
    this.inputNote.classList.remove("bad");
    this.inputNote.textContent = changeNote(changes);
    this.input.value = text;
    this.submitted = text;
    this.onChange({ input: text });
  }

  /** Show `state` in the controls. */
  sync(state) {
    for (const input of this.cellInputs) input.checked = input.value === state.cell;
    this.hidden.value = state.H;
    this.hiddenOut.textContent = String(state.H);
    if (state.ws > +this.scale.max) this.scale.max = String(limits.weightScale[1]);
    this.scale.value = state.ws;
    this.scaleOut.textContent = state.ws.toFixed(2);
    this.bias.value = state.mb;
    this.biasOut.textContent = state.mb.toFixed(1);
    this.seed.value = state.seed;
    if (document.activeElement !== this.input) this.input.value = this.submitted = state.input;
  }
}
