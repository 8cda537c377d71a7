// Fetching what a view shows: the trace requests (api.js caches identical ones), their order
// (states first, the slow memory meter after), dropping stale answers, and the loading state.

import { fetchTrace } from "./api.js";
import { h } from "./dom.js";

// T·T·H above which the memory meter is fetched after the states (it then takes ~0.1 s or more)
const BIG_TRACE = 60_000;
const SLOW = 120; // ms before a request counts as slow enough to show the loading state

/** Return what identifies a trace's network (its weights), whatever the input. */
export const networkKey = (run) =>
  run.network
    ? `${run.network}|${run.trained}`
    : `${run.cell}|${run.hidden_size}|${run.seed}|${run.weight_scale}|${run.memory_bias}|${run.init}`;

// The lanes of a kept trained network: the same network after and before training.
export const TRAINED_LANES = ["trained", "before"];

/** Return the lane whose numbers are shown below the parade: the trained one, or the cell. */
export const focusLane = (s) => (s.net ? "trained" : s.cell);

/** Return the part of a trace request that names the network of `lane` in state s. */
function networkOf(s, lane) {
  if (s.net) {
    const { id, cell, H } = s.net;
    return { cell, hidden_size: H, network: id, trained: lane === "trained" };
  }
  return {
    cell: lane,
    hidden_size: s.H,
    seed: s.seed,
    weight_scale: s.ws,
    memory_bias: s.mb,
  };
}

export class TraceLoader {
  /**
   * stage: dimmed and aria-busy while loading; root: gets the `loading` classes; status: the pill.
   * onStates(): the states arrived (this.trace, this.runs set; the meter may follow);
   * onMeters(): the memory meters arrived; onError(message).
   */
  constructor({ root, stage, status, onStates, onMeters, onError }) {
    Object.assign(this, { root, stage, status, onStates, onMeters, onError });
    this.trace = null; // the shown cell's run, with the student's edits
    this.runs = null; // {cell: run} for every lane on show (the meter without edits)
    this.meterPending = false;
    this.params = null; // {key, value}: the weights of the last network asked for
  }

  /**
   * Fetch what state s needs for `cells` (the lanes on show), then call back; stale answers
   * are dropped. What is asked for, and when (the memory meter's T×T Jacobian norms are what
   * cost time: ~2 s at 64 units × 200 characters, while the states alone take ~20 ms):
   * - the states of the shown run (with the student's edits), never the weights;
   * - the influence (memory meter) from the run *without* edits, so adding an edit reuses it;
   *   for a big trace it follows the states, which are drawn first while the meter computes;
   * - the weights only while the equation panel is open (see weights()), per network.
   */
  async load(s, cells) {
    const full = (lane) => ({
      ...networkOf(s, lane),
      input: s.input,
      overrides: [],
      include_influence: true,
      include_params: false,
    });
    const focus = focusLane(s);
    const others = cells.filter((c) => c !== focus);
    // a big trace shows its states first; a small one comes in one answer
    const big = s.input.length * s.input.length * s.H >= BIG_TRACE;
    const split = s.forks.length > 0 || big;
    const main = split
      ? { ...full(focus), overrides: s.forks, include_influence: false }
      : full(focus);
    this.abort?.abort();
    const ctl = new AbortController();
    this.abort = ctl;
    const busyText = big ? "Computing the states…" : "Computing…";
    const slow = setTimeout(() => this.busy(true, busyText), SLOW);
    let meter = null;
    try {
      const first = fetchTrace(main, ctl.signal);
      // the meters are asked for at once (in parallel), and awaited after the first paint;
      // the shown cell's meter comes alone: its states are already in `first`
      const meterOnly = { ...full(focus), include_states: false };
      const influence = [focus, ...others].map((cell) => {
        if (cell !== focus) return fetchTrace(full(cell), ctl.signal);
        return split ? fetchTrace(meterOnly, ctl.signal) : first;
      });
      for (const p of influence) p.catch(() => {}); // awaited below: never unhandled
      const trace = await first;
      if (ctl.signal.aborted) return;
      clearTimeout(slow);
      this.busy(false);
      this.trace = trace;
      this.runs = { [focus]: trace };
      this.meterPending = split;
      this.onStates();
      meter = setTimeout(() => this.busy(true, "Computing the memory meter…", true), SLOW);
      const runs = await Promise.all(influence);
      if (ctl.signal.aborted) return;
      this.trace = { ...trace, influence: runs[0].influence };
      this.runs = { [focus]: this.trace };
      others.forEach((cell, i) => {
        this.runs[cell] = runs[i + 1];
      });
      this.meterPending = false;
      this.onMeters(split);
    } catch (err) {
      if (err.name === "AbortError" || ctl.signal.aborted) return;
      this.onError(err.message || "Something went wrong while computing the steps.");
    } finally {
      clearTimeout(slow);
      clearTimeout(meter);
      if (this.abort === ctl) this.busy(false);
    }
  }

  /** Show (or end) the loading state: the old picture stays, dimmed, under a spinner. */
  busy(on, text = "", meterOnly = false) {
    if (on) {
      this.stage.setAttribute("aria-busy", "true");
      this.root.classList.toggle("loading", !meterOnly);
      this.root.classList.toggle("loading-meter", meterOnly);
      // the meter computing is said beside the meter; the pill is for the whole picture
      const pill = meterOnly ? [] : [h("span", { class: "st-status-pill", text })];
      this.status.replaceChildren(...pill);
    } else {
      this.stage.removeAttribute("aria-busy");
      this.root.classList.remove("loading", "loading-meter");
      this.status.replaceChildren();
    }
  }

  /** Return the weights of `run`'s network if already fetched, else null. */
  cachedWeights(run) {
    return this.params?.key === networkKey(run) ? this.params.value : null;
  }

  /** Return the weights of `run`'s network (fetched once per network). */
  async weights(run) {
    const key = networkKey(run);
    if (this.params?.key === key) return this.params.value;
    // the weights do not depend on the input: a one-character request carries them
    const network = run.network
      ? { network: run.network, trained: run.trained }
      : { seed: run.seed, weight_scale: run.weight_scale, memory_bias: run.memory_bias };
    const body = {
      cell: run.cell,
      hidden_size: run.hidden_size,
      input: " ",
      ...network,
      overrides: [],
      include_influence: false,
      include_params: true,
    };
    const answer = await fetchTrace(body);
    this.params = { key, value: answer.params };
    return answer.params;
  }
}
