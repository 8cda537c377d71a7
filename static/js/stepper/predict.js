// Predict, then reveal: before each step the student guesses what the selected unit will do;
// the step then shows the answer at once, with a running score. Two kinds of guess:
// "rise": will h rise or fall?  "gate": which gate dominates (LSTM: forget above input, i.e.
// keep more than write; GRU: update gate z above 0.5, i.e. keep the old state)?

import { fmt, h, spoken, uid } from "./dom.js";

/** The two answers of a gate guess per cell: [value, button text]. */
const GATE_ANSWERS = {
  lstm: [
    ["keep", "Keep: f > i"],
    ["write", "Write: i > f"],
  ],
  gru: [
    ["keep", "Keep: z > 0.5"],
    ["renew", "Renew: z < 0.5"],
  ],
};

/** Return the truth of a gate guess at step t of `run` for unit u, with the numbers. */
export function gateTruth(run, t, u) {
  if (run.cell === "lstm") {
    const f = run.gates.f[t][u];
    const i = run.gates.i[t][u];
    return { answer: f > i ? "keep" : "write", f, i };
  }
  const z = run.gates.z[t][u];
  return { answer: z > 0.5 ? "keep" : "renew", z };
}

export class PredictPanel {
  /** onAnswer(guess) when a guess is made; onKind(kind) when the kind of guess changes. */
  constructor({ onAnswer, onKind }) {
    const name = uid("guess");
    this.kindInputs = [
      ["rise", "Will h rise or fall?"],
      ["gate", "Which gate dominates?"],
    ].map(([value, text]) => {
      const input = h("input", { type: "radio", name, value, onchange: () => onKind(value) });
      return { input, label: h("label", { class: "st-check" }, input, ` ${text}`) };
    });
    this.gateNote = h("span", { class: "st-hint", text: "(LSTM and GRU only)" });
    this.kinds = h(
      "fieldset",
      { class: "st-q-kinds" },
      h("legend", { text: "What to predict" }),
      this.kindInputs.map((k) => k.label),
      this.gateNote,
    );
    this.question = h("p", { class: "st-q", id: uid("q") });
    this.buttons = h("div", {
      class: "st-q-buttons",
      role: "group",
      "aria-labelledby": this.question.id,
    });
    this.onAnswer = onAnswer;
    this.result = h("p", { class: "st-verdict", "aria-live": "polite" });
    this.score = h("p", { class: "st-score" });
    this.el = h(
      "section",
      { class: "st-predict", "aria-label": "Predict, then reveal", hidden: true },
      this.kinds,
      this.question,
      this.buttons,
      this.result,
      this.score,
    );
    this.right = 0;
    this.total = 0;
    this.pending = false;
    this.kind = "rise";
  }

  /** Show the chosen kind of guess; a plain RNN has no gates, so it can only rise-or-fall. */
  sync(kind, cell) {
    const gated = cell !== "rnn";
    this.kind = gated ? kind : "rise";
    for (const { input } of this.kindInputs) {
      input.checked = input.value === this.kind;
      input.disabled = input.value === "gate" && !gated;
    }
    this.gateNote.hidden = gated;
  }

  /** Ask about step next (0-based) of `run` for unit u; focus the first answer unless not to. */
  ask(run, next, u, focus = true) {
    this.pending = true;
    // a new question: the previous verdict is history (the score keeps it)
    this.result.textContent = "";
    this.result.className = "st-verdict";
    delete this.result.dataset.truth;
    const reads = `Step ${next + 1} reads “${spoken(run.input[next])}”.`;
    let answers;
    if (this.kind === "gate" && run.cell === "lstm") {
      this.question.textContent =
        `${reads} Will unit ${u}'s forget gate f be larger than its input gate i — ` +
        "keep more of its old memory than it writes?";
      answers = GATE_ANSWERS.lstm;
    } else if (this.kind === "gate") {
      this.question.textContent =
        `${reads} Will unit ${u}'s update gate z be above 0.5 — ` +
        "keep more of its old state than it takes from the candidate?";
      answers = GATE_ANSWERS.gru;
    } else {
      this.question.textContent = `${reads} Will unit ${u} of h rise or fall?`;
      answers = [
        ["rise", "↑ Rise"],
        ["fall", "↓ Fall"],
      ];
    }
    this.buttons.replaceChildren(
      ...answers.map(([value, text]) =>
        h("button", {
          type: "button",
          dataset: { answer: value },
          text,
          onclick: () => this.onAnswer(value),
        }),
      ),
    );
    this.buttons.hidden = false;
    if (focus) this.buttons.firstChild.focus();
  }

  /** Show the verdict for `guess` about step t of `run` (h went from `before`; `last`: no
   *  step follows); return right. */
  reveal(guess, run, t, u, before, last = false) {
    this.pending = false;
    let truth;
    let text;
    if (this.kind === "gate") {
      const g = gateTruth(run, t, u);
      truth = g.answer;
      text =
        run.cell === "lstm"
          ? `unit ${u}'s forget gate f = ${fmt(g.f, 3)}, input gate i = ${fmt(g.i, 3)}: ` +
            `it ${truth === "keep" ? "kept more than it wrote" : "wrote more than it kept"}.`
          : `unit ${u}'s update gate z = ${fmt(g.z, 3)}: it ` +
            `${truth === "keep" ? "kept mostly its old state" : "took mostly the new candidate"}.`;
    } else {
      const after = run.h[t][u];
      truth = after >= before ? "rise" : "fall";
      const moved = truth === "rise" ? "rose" : "fell";
      text = `unit ${u} ${moved} from ${fmt(before, 3)} to ${fmt(after, 3)}.`;
    }
    const right = guess === truth;
    this.total += 1;
    if (right) this.right += 1;
    this.buttons.hidden = true;
    this.question.textContent = "";
    this.result.className = `st-verdict ${right ? "right" : "wrong"}`;
    this.result.dataset.truth = truth;
    const then = last
      ? "That was the last step: press Home (or First step) to predict the parade again."
      : "Press → (or Step forward) for the next guess.";
    this.result.textContent = `${right ? "✓ Right" : "✗ Not this time"}: at step ${t + 1} ${text} ${then}`;
    this.score.textContent = `Score: ${this.right} of ${this.total}`;
    return right;
  }

  /** Put the keyboard on the first answer of the pending question. */
  focusAnswer() {
    if (this.pending && !this.buttons.hidden) this.buttons.firstChild?.focus();
  }

  /** Say why → waits (a question is pending), and put the keyboard on its answers. */
  nudge() {
    this.result.className = "st-verdict";
    this.result.textContent =
      "Answer the question first: pick one of its buttons, then → steps on.";
    this.focusAnswer();
  }

  idle(message) {
    this.pending = false;
    this.buttons.hidden = true;
    this.question.textContent = message;
  }

  /** Forget the score and any question: back to a fresh start. */
  reset() {
    this.right = this.total = 0;
    this.idle("");
    this.score.textContent = "";
    this.result.textContent = "";
  }
}
