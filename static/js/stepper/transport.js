// Moving through the steps: play/pause, step back and forward, first and last, the scrubber,
// the speed, and the keys (←/→ step, Space plays, Home/End jump, ↑/↓ pick a unit).

import { h, spoken } from "./dom.js";
import { icon } from "./icons.js";
import { clamp, SPEEDS } from "./state.js";

const BASE_DELAY = 900; // ms per step at 1×

export class Transport {
  /**
   * host: what the transport asks of the widget:
   * - state: the widget's state (read only here: t, speed, predict, view);
   * - showStep(t): make t the current step (paint, announce, URL);
   * - beforeForward(): true when it handled → itself (predict mode asks first);
   * - playBlocked(): a sentence saying why Play is off now, or "";
   * - set(patch): change the state (speed, unit); say(text): announce.
   */
  constructor(host) {
    this.host = host;
    this.T = 0; // steps in the shown trace (0: none yet)
    this.timer = 0;
    const btn = (label, name, onclick, cls = "") =>
      h(
        "button",
        { type: "button", class: `st-btn ${cls}`, "aria-label": label, title: label, onclick },
        icon(name),
      );
    this.playBtn = btn("Play (Space)", "play", () => this.togglePlay(), "st-play");
    this.backBtn = btn("Step back (←)", "back", () => this.stepBy(-1));
    this.fwdBtn = btn("Step forward (→)", "forward", () => this.forward());
    this.startBtn = btn("First step (Home)", "first", () => this.goTo(0, true));
    this.endBtn = btn("Last step (End)", "last", () => this.goTo(Infinity, true));
    this.scrub = h("input", {
      type: "range",
      min: 1,
      max: 1,
      step: 1,
      class: "st-scrub",
      "aria-label": "Step",
      oninput: () => this.goTo(+this.scrub.value - 1, true),
    });
    this.stepLabel = h("span", { class: "st-step-label", "aria-hidden": "true" });
    this.speed = h(
      "select",
      {
        "aria-label": "Playback speed",
        class: "st-speed",
        onchange: () => host.set({ speed: +this.speed.value }),
      },
      SPEEDS.map((s) => h("option", { value: s, text: `${s}×` })),
    );
    const buttons = [this.startBtn, this.backBtn, this.playBtn, this.fwdBtn, this.endBtn];
    this.el = h(
      "div",
      { class: "st-transport" },
      h("div", { class: "st-buttons" }, buttons),
      h("div", { class: "st-scrubber" }, this.scrub, this.stepLabel),
      h("label", { class: "st-speed-label" }, "Speed ", this.speed),
    );
  }

  /** A new trace of T steps. */
  setLength(T) {
    this.T = T;
    this.scrub.max = String(T);
  }

  /** Show step t (of the trace's input) on the scrubber and the buttons. */
  show(t, input) {
    const T = this.T;
    this.scrub.value = String(t + 1);
    this.scrub.setAttribute("aria-valuetext", `Step ${t + 1} of ${T}, input ${spoken(input[t])}`);
    this.stepLabel.textContent = `${t + 1} / ${T}`;
    this.backBtn.disabled = this.startBtn.disabled = t === 0;
    this.fwdBtn.disabled = this.endBtn.disabled = t === T - 1;
  }

  sync(state) {
    this.speed.value = String(state.speed);
  }

  /** Go to step t (clamped); a student's move (`user`) stops playing. */
  goTo(t, user = false) {
    if (!this.T) return;
    const next = clamp(t, 0, this.T - 1);
    if (user) this.pause();
    if (next === this.host.state.t) return;
    this.host.showStep(next);
  }

  stepBy(d) {
    this.goTo(this.host.state.t + d, true);
  }

  /** Step forward, unless the widget takes the move (a prediction is asked for first). */
  forward() {
    if (!this.T || this.host.state.t >= this.T - 1) return;
    if (this.host.beforeForward()) return;
    this.stepBy(1);
  }

  get playing() {
    return Boolean(this.timer);
  }

  togglePlay() {
    if (this.timer) this.pause();
    else this.play();
  }

  play() {
    const why = this.host.playBlocked();
    if (!this.T || why) {
      if (why) this.host.say(why);
      return;
    }
    const state = this.host.state;
    if (state.t >= this.T - 1) this.goTo(0);
    this.playBtn.replaceChildren(icon("pause"));
    this.playBtn.setAttribute("aria-label", "Pause");
    this.playBtn.title = "Pause (Space)";
    const tick = () => {
      if (state.t >= this.T - 1) {
        this.pause();
        return;
      }
      this.goTo(state.t + 1);
      this.timer = setTimeout(tick, BASE_DELAY / state.speed);
    };
    this.timer = setTimeout(tick, Math.min(300, BASE_DELAY / state.speed));
  }

  pause() {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = 0;
    this.playBtn.replaceChildren(icon("play"));
    this.playBtn.setAttribute("aria-label", "Play");
    this.playBtn.title = "Play (Space)";
  }

  /** The stepper's keys, on the whole widget except where a control needs them. */
  onKey(e) {
    const state = this.host.state;
    if (state.view === "train" || e.altKey || e.ctrlKey || e.metaKey) return;
    const el = e.target;
    const tag = el.tagName;
    const choice = tag === "INPUT" && (el.type === "checkbox" || el.type === "radio");
    if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && !choice)) return;
    if (el.closest?.(".st-train")) return;
    if (el.type === "radio" && e.key.startsWith("Arrow")) return; // radio groups use arrows
    const isButton = tag === "BUTTON" || choice;
    const unit = (d) => () => this.host.set({ unit: clamp(state.unit + d, 0, state.H - 1) });
    const keys = {
      ArrowRight: () => this.forward(),
      ArrowLeft: () => this.stepBy(-1),
      Home: () => this.goTo(0, true),
      End: () => this.goTo(Infinity, true),
      ArrowUp: unit(-1),
      ArrowDown: unit(1),
      " ": isButton ? null : () => this.togglePlay(),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }
}
