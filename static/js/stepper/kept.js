// The network a Train-view run kept on the server: open it in the stepper (after and before
// training, on the student's own input), or let it write text at a temperature.

import { fetchSample } from "./api.js";
import { h, uid } from "./dom.js";
import { limits } from "./limits.js";

const START = "the ";
const LENGTH = 200;

/** What a temperature does, said beside the slider (and to screen readers as its value). */
export function temperatureText(T) {
  const v = T.toFixed(1);
  if (T < 0.75) return `${v}: safe, repeats the likeliest characters`;
  if (T <= 1.25) return `${v}: as trained`;
  return `${v}: adventurous, more surprises and more mistakes`;
}

export class KeptNetworkPanel {
  /** onOpen(net): step net ({id, cell, H, nonlinearity, label}) in the stepper. */
  constructor({ onOpen }) {
    this.net = null;
    this.seed = 0;
    this.text = h("p", { class: "st-kept-text" });
    this.openBtn = h("button", {
      type: "button",
      class: "st-open-trained",
      text: "Open this network in the stepper",
      onclick: () => onOpen(this.net),
    });
    const [lo, hi] = limits.sample.temperature;
    const id = uid("temp");
    this.temp = h("input", {
      type: "range",
      id,
      min: lo,
      max: hi,
      step: 0.1,
      value: 1,
      class: "st-temp",
      oninput: () => this.showTemperature(),
    });
    this.tempOut = h("output", { for: id, class: "st-temp-out" });
    this.writeBtn = h("button", {
      type: "button",
      class: "secondary",
      text: `Write ${LENGTH} characters`,
      onclick: () => this.write(),
    });
    this.sample = h("p", { class: "st-sample-out", "aria-live": "polite" });
    // not .st-error: the Train view's own error is the one `.st-train .st-error` names
    this.error = h("p", { class: "st-kept-error", role: "alert" });
    this.el = h(
      "section",
      { class: "st-kept", "aria-label": "Your trained network", hidden: true },
      this.text,
      this.openBtn,
      h(
        "div",
        { class: "st-sampler" },
        h("label", { for: id, text: "Temperature" }),
        this.temp,
        this.tempOut,
        this.writeBtn,
      ),
      h("p", {
        class: "st-note",
        text:
          `The network reads “${START}” and then writes one character at a time, each drawn ` +
          "from softmax(logits / temperature) and fed back as its next input.",
      }),
      this.sample,
      this.error,
    );
    this.showTemperature();
  }

  showTemperature() {
    const said = temperatureText(+this.temp.value);
    this.tempOut.textContent = said;
    this.temp.setAttribute("aria-valuetext", said);
  }

  /** Offer `net` ({id, cell, H, nonlinearity, label}), the network the last run kept. */
  show(net) {
    this.net = net;
    this.text.textContent =
      `Kept on the server for a while: ${net.label}. Step it on your own input beside the ` +
      "same network before training, or let it write.";
    this.sample.replaceChildren();
    this.error.textContent = "";
    this.el.hidden = false;
  }

  hide() {
    this.net = null;
    this.el.hidden = true;
  }

  async write() {
    if (!this.net) return;
    this.writeBtn.disabled = true;
    this.error.textContent = "";
    this.seed += 1; // each press writes something new; the same seed would repeat it
    const body = {
      network: this.net.id,
      start: START,
      temperature: +this.temp.value,
      seed: this.seed,
      length: LENGTH,
    };
    try {
      const { text } = await fetchSample(body);
      this.sample.replaceChildren(h("strong", { text: START }), text);
    } catch (err) {
      this.error.textContent = err.message || "The network could not write.";
    } finally {
      this.writeBtn.disabled = false;
    }
  }
}
