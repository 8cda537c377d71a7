// Predict, then reveal: before each step the student guesses whether the selected unit will
// rise or fall; the step then shows the answer at once, with a running score.

import { fmt, h, spoken } from "./dom.js";

export class PredictPanel {
  constructor({ onAnswer }) {
    this.question = h("p", { class: "st-q" });
    this.rise = h("button", { type: "button", text: "↑ Rise", onclick: () => onAnswer("rise") });
    this.fall = h("button", { type: "button", text: "↓ Fall", onclick: () => onAnswer("fall") });
    this.result = h("p", { class: "st-verdict", "aria-live": "polite" });
    this.score = h("p", { class: "st-score" });
    this.buttons = h("div", { class: "st-q-buttons" }, this.rise, this.fall);
    this.el = h("section", { class: "st-predict", "aria-label": "Predict, then reveal", hidden: true },
      this.question, this.buttons, this.result, this.score);
    this.right = 0;
    this.total = 0;
    this.pending = false;
  }

  /** Ask about step t+1 (0-based next) of `run` for unit u. */
  ask(run, next, u) {
    this.pending = true;
    this.question.textContent = `Step ${next + 1} reads “${spoken(run.input[next])}”. Will unit ${u} of h rise or fall?`;
    this.buttons.hidden = false;
    this.rise.focus();
  }

  /** Show the verdict for `guess` given h before and after. */
  reveal(guess, before, after, u) {
    this.pending = false;
    const went = after >= before ? "rise" : "fall";
    const right = guess === went;
    this.total += 1;
    if (right) this.right += 1;
    this.buttons.hidden = true;
    this.question.textContent = "";
    this.result.className = `st-verdict ${right ? "right" : "wrong"}`;
    this.result.textContent = `${right ? "✓ Right" : "✗ Not this time"}: unit ${u} ${went === "rise" ? "rose" : "fell"} from ${fmt(before, 3)} to ${fmt(after, 3)}. Press → (or Step forward) for the next guess.`;
    this.score.textContent = `Score: ${this.right} of ${this.total}`;
    return right;
  }

  idle(message) {
    this.pending = false;
    this.buttons.hidden = true;
    this.question.textContent = message;
  }
}
