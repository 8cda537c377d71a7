// One rnn-stepper widget: it owns the state and wires its parts together (state.js: the state
// and the URL; fetching.js: the traces; transport.js: moving through the steps; view.js and
// paint.js: the page) and the Train view, which talks to it through sync() and onChange.

import { focusLane, TRAINED_LANES, TraceLoader } from "./fetching.js";
import { limits } from "./limits.js";
import { StepPainter } from "./paint.js";
import { applyLive, applyPatch, initialState, UrlState } from "./state.js";
import { presetHidden, TrainView } from "./train.js";
import { Transport } from "./transport.js";
import { StepperView } from "./view.js";

const LAST_STEP = "This is the last step: press Home (or First step) to predict the parade again.";

export class StepperWidget {
  constructor(root, config) {
    this.root = root;
    this.id = root.id;
    this.config = config;
    this.locked = new Set(config.locked);
    this.hidden = new Set(config.hidden);
    this.url = new UrlState(this.id);
    this.state = initialState(config, this.url.initial, this.locked);
    this.visible = false;

    this.transport = new Transport(this);
    this.trainView = new TrainView({
      locked: { cell: this.locked.has("cell"), hidden: this.locked.has("hidden_size") },
      presetHidden: presetHidden(config.hidden_size),
      onChange: (patch) => this.set(patch),
      onOpen: (net) => this.openTrained(net),
    });
    this.view = new StepperView({
      root,
      config,
      locked: this.locked,
      hidden: this.hidden,
      state: this.state,
      transport: this.transport,
      trainView: this.trainView,
      on: {
        set: (patch) => this.set(patch),
        setSoon: (patch) => this.setSoon(patch),
        goTo: (k) => this.transport.goTo(k, true),
        answer: (guess) => this.answer(guess),
        copyLink: () => this.copyLink(),
        reset: () => this.reset(),
        equationOpened: () => {
          this.loadWeights();
          this.render();
        },
      },
    });
    this.predict = this.view.predict;
    this.painter = new StepPainter({ view: this.view, transport: this.transport });
    this.loader = new TraceLoader({
      root,
      stage: this.view.stage,
      status: this.view.status,
      onStates: () => this.onStates(),
      onMeters: (split) => this.onMeters(split),
      onError: (message) => {
        this.view.error.textContent = message;
      },
    });
    root.addEventListener("keydown", (e) => this.transport.onKey(e));
    this.sync();
  }

  // --- the state -------------------------------------------------------------------------------

  /** Apply a change to the state, refetching when the network or the input changed. */
  set(patch) {
    const s = this.state;
    const { refetch, dropped } = applyPatch(s, patch);
    if (dropped) this.say("Edits that no longer fit the network were removed.");
    if (patch.predict != null && s.predict) this.transport.pause();
    if (patch.predict != null && !s.predict) this.predict.idle("");
    this.sync();
    if (refetch) this.refresh();
    else this.render();
    if (!refetch && (patch.unit != null || patch.guess != null)) this.askAgain();
    if (patch.predict === true && s.predict && !this.predict.pending) this.askNext(false);
    this.url.write(s);
  }

  /** Like set(), for sliders being dragged: show the value now, fetch when the drag settles. */
  setSoon(patch) {
    applyLive(this.state, patch);
    this.url.write(this.state);
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.refresh(), 180);
  }

  /** Show the state in every control (and in the Train view's form). */
  sync() {
    const s = this.state;
    this.view.sync(s, this.lanes());
    this.trainView.sync({ cell: s.cell, H: s.H, seed: s.seed, train: { ...s.train } });
  }

  /**
   * Return the lanes the parade shows: a trained network after and before training, else the
   * cells (all of them, unless the lesson fixes one).
   */
  lanes() {
    if (this.state.net) return TRAINED_LANES;
    const one = this.locked.has("cell") || this.hidden.has("lanes");
    return one ? [this.state.cell] : limits.cells;
  }

  /** Step a kept trained network ({id, cell, H, label}) beside itself before training. */
  openTrained(net) {
    // like any parade, it opens at its last step, where the first float has (or has not) faded
    const t = this.state.input.length - 1;
    this.set({ net, cell: net.cell, H: net.H, view: "parade", forks: [], t });
    this.say(`Showing ${net.label}: trained, and before training.`);
    this.view.stage.focus({ preventScroll: true });
    this.root.scrollIntoView({ block: "start" });
  }

  // --- the traces ------------------------------------------------------------------------------

  refresh() {
    const s = this.state;
    if (s.view === "train" || !this.visible) return;
    this.loader.load(s, s.view === "parade" ? this.lanes() : [focusLane(s)]);
  }

  onStates() {
    const s = this.state;
    const { trace, runs } = this.loader;
    this.view.error.textContent = "";
    const laneLock = this.locked.has("cell") || this.locked.has("lanes") || Boolean(s.net);
    this.painter.rebuild(trace, runs, s, this.lanes(), laneLock);
    this.showRuns();
    this.render();
    this.announce();
    if (s.predict) this.askNext(false); // a new trace: ask about its next step at once
    this.loadWeights();
  }

  onMeters(split) {
    const { trace, runs } = this.loader;
    if (this.state.view === "parade") this.view.memoryHint.update(trace.memory_bias, runs);
    this.showRuns();
    this.render();
    if (split) this.announce();
  }

  /** Say on the stage how many lanes have arrived and whether the meter has (for tests). */
  showRuns() {
    const { stage } = this.view;
    stage.dataset.runs = String(Object.keys(this.loader.runs).length);
    stage.dataset.meter = this.loader.meterPending ? "pending" : "ready";
  }

  /** Fetch the network's weights for the equation while its panel is open. */
  async loadWeights() {
    const run = this.loader.trace;
    if (!this.view.eqBox.open || !run || this.loader.cachedWeights(run)) return;
    this.painter.equationNote("Loading the weights…");
    try {
      await this.loader.weights(run);
      this.render();
    } catch (err) {
      this.painter.equationNote(err.message || "The weights could not be loaded.", true);
    }
  }

  // --- a step ----------------------------------------------------------------------------------

  /** Paint the current step, if the trace on hand is the state's. */
  render() {
    const run = this.loader.trace;
    const s = this.state;
    if (!run || run.input !== s.input || run.cell !== s.cell || run.hidden_size !== s.H) return;
    const { runs, meterPending } = this.loader;
    this.painter.render(run, runs, s, this.loader.cachedWeights(run), meterPending);
  }

  /** Make step t the current one (the transport has checked it). */
  showStep(t) {
    const held = document.activeElement;
    this.state.t = t;
    this.render();
    this.announce();
    this.url.write(this.state);
    // The button just pressed may now be disabled (First step at step 1, End at the last):
    // the keyboard must not fall to the page, so it goes on to what comes next.
    const dropped = held instanceof HTMLButtonElement && held.disabled;
    // Predicting, a jump (Home, End, ←, the slider) makes the question about the new next step;
    // the step an answer reveals is followed by its verdict instead.
    if (this.state.predict && !this.revealing) this.askNext(dropped);
    if (dropped && held.disabled && document.activeElement === held) this.view.stage.focus();
  }

  announce() {
    if (this.loader.trace) this.painter.announce(this.loader.trace, this.state);
  }

  say(text) {
    this.view.say(text);
  }

  // --- predict, then reveal --------------------------------------------------------------------

  /** In predict mode → first asks (or points at the pending question): return true then. */
  beforeForward() {
    if (!this.state.predict) return false;
    if (this.predict.pending) this.predict.nudge();
    else this.askNext(true);
    return true;
  }

  playBlocked() {
    return this.state.predict ? "Playing is off while you predict: step with the arrow keys." : "";
  }

  answer(guess) {
    const { t, unit } = this.state;
    const run = this.loader.trace;
    this.revealing = true;
    this.transport.goTo(t + 1, true);
    this.revealing = false;
    const last = t + 2 >= this.transport.T;
    this.predict.reveal(guess, run, t + 1, unit, run.h[t][unit], last);
    (last ? this.transport.startBtn : this.transport.fwdBtn).focus();
  }

  /** Ask about the next step (the old verdict goes); at the last step there is nothing to ask. */
  askNext(focus) {
    const run = this.loader.trace;
    if (!run) return;
    const { t, unit } = this.state;
    if (t + 1 < this.transport.T) this.predict.ask(run, t + 1, unit, focus);
    else this.predict.idle(LAST_STEP);
  }

  /** A pending question is asked again when what it is about changed (kind, cell, unit). */
  askAgain() {
    const run = this.loader.trace;
    if (!this.predict.pending || !run) return;
    const { t, unit } = this.state;
    if (t + 1 < this.transport.T) this.predict.ask(run, t + 1, unit, false);
    else this.predict.idle("");
  }

  // --- options ---------------------------------------------------------------------------------

  async copyLink() {
    const href = this.url.link(this.state);
    try {
      await navigator.clipboard.writeText(href);
      this.view.linkNote.textContent = "Link copied: it opens this exact view.";
    } catch {
      this.view.showLink(href);
    }
  }

  reset() {
    this.transport.pause();
    // the same object, changed in place: the transport and a pending URL write hold it
    Object.assign(this.state, initialState(this.config, {}, this.locked));
    this.predict.reset();
    this.sync();
    this.refresh();
    this.url.clear();
  }

  /** Called once the widget is near the viewport: fetch the first trace. */
  show() {
    if (this.visible) return;
    this.visible = true;
    this.refresh();
  }
}
