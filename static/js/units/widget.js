// One unit-activations widget: the student types, a shipped network reads the text, and each
// character is coloured by one hidden unit's h after reading it (Karpathy's "visualizing
// units"). A table gives the same numbers to a screen reader; "Let the network write" samples
// from the same network at a chosen temperature.

import { ApiError, fetchSample, fetchTrace } from "../stepper/api.js";
import { diverging } from "../stepper/colors.js";
import { debounce, fmt, h, spoken, uid } from "../stepper/dom.js";

const TYPOGRAPHY = { "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-" };
const MAX_CHARS = 200;
const START_CHARS = 50; // what the network reads before it writes: the end of the text

/** Return the text as the network can read it, and the characters it had to leave out. */
export function readable(text, vocab) {
  let out = "";
  const dropped = new Set();
  for (const raw of text.toLowerCase().normalize("NFKD")) {
    if (/\p{M}/u.test(raw)) continue; // accents: é reads as e
    const ch = raw === "\n" || raw === "\t" ? " " : (TYPOGRAPHY[raw] ?? raw);
    if (vocab.includes(ch)) out += ch;
    else dropped.add(raw);
  }
  return { text: out.slice(0, MAX_CHARS), dropped: [...dropped].join("") };
}

export class UnitsWidget {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.info = null;
    this.h = null; // (T, H) from the last trace
    this.text = "";
    this.samples = 0;
    this.controller = null;
    this.build();
  }

  build() {
    const id = uid("units");
    this.input = h("textarea", {
      id: `${id}-text`,
      class: "units-input",
      rows: 3,
      maxlength: MAX_CHARS,
      spellcheck: "false",
      "aria-describedby": `${id}-help`,
    });
    this.input.value = this.config.text;
    this.picker = h("select", { id: `${id}-unit`, class: "units-picker" });
    this.what = h("p", { class: "units-what", "aria-live": "polite" });
    this.strip = h("p", { class: "units-strip", "aria-hidden": "true" });
    this.tableBody = h("tbody");
    this.status = h("p", { class: "units-status", role: "status" });
    this.temperature = h("input", {
      id: `${id}-temp`,
      type: "range",
      min: "0.1",
      max: "2",
      step: "0.1",
      value: "0.5",
    });
    this.tempOut = h("output", { for: `${id}-temp`, class: "units-temp-value", text: "0.5" });
    this.sample = h("p", { class: "units-sample", "aria-live": "polite" });
    this.writeButton = h("button", {
      type: "button",
      text: "Let the network write",
      onclick: () => this.write(),
    });

    const caption = this.config.caption
      ? h("p", { class: "widget-caption", text: this.config.caption })
      : null;
    this.root.classList.add("units");
    this.root.replaceChildren(
      caption,
      h("label", { for: this.input.id, class: "units-label", text: "Your text" }),
      this.input,
      h("p", {
        id: `${id}-help`,
        class: "units-help",
        text: "Lowercase letters, digits, spaces and . , ; : ! ? ' \" - ( ): other characters are left out.",
      }),
      h(
        "div",
        { class: "units-pick" },
        h("label", { for: this.picker.id, class: "units-label", text: "Unit" }),
        this.picker,
      ),
      this.what,
      this.strip,
      legend(),
      h(
        "details",
        { class: "units-table" },
        h("summary", { text: "The same numbers as a table" }),
        h(
          "div",
          {
            class: "units-table-scroll",
            tabindex: "0",
            role: "region",
            "aria-label": "h per character",
          },
          h(
            "table",
            {},
            h("caption", { text: "Each character and the chosen unit's h after reading it" }),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col", text: "Character" }),
                h("th", { scope: "col", text: "h" }),
              ),
            ),
            this.tableBody,
          ),
        ),
      ),
      h(
        "div",
        { class: "units-write" },
        h(
          "div",
          { class: "units-temp" },
          h("label", { for: this.temperature.id, class: "units-label", text: "Temperature" }),
          this.temperature,
          this.tempOut,
        ),
        this.writeButton,
      ),
      this.sample,
      this.status,
    );
    this.input.addEventListener(
      "input",
      debounce(() => this.refresh(), 300),
    );
    this.picker.addEventListener("change", () => this.paint());
    this.temperature.addEventListener("input", () => {
      this.tempOut.textContent = Number(this.temperature.value).toFixed(1);
    });
  }

  /** Load the network's description, then the first trace (called once it is near view). */
  async show() {
    const name = this.config.network;
    try {
      const response = await fetch(`/api/engine/shipped/${name}`);
      if (!response.ok) throw new ApiError((await response.json()).detail);
      this.info = await response.json();
    } catch (err) {
      this.status.textContent = `The network could not be loaded: ${err.message}`;
      return;
    }
    this.fillPicker();
    await this.refresh();
  }

  fillPicker() {
    const best = new Map(); // unit -> what it tracks best, strongest first
    for (const f of Object.values(this.info.features)) {
      if (!best.has(f.unit) || Math.abs(f.r) > Math.abs(best.get(f.unit).r)) best.set(f.unit, f);
    }
    const first = this.config.unit ?? this.info.unit.unit;
    const options = [];
    for (let j = 0; j < this.info.hidden_size; j++) {
      const f = best.get(j);
      const label = f ? `Unit ${j}: ${f.shows} (r = ${fmt(f.r, 2)})` : `Unit ${j}`;
      options.push(h("option", { value: String(j), text: label, selected: j === first }));
    }
    this.picker.replaceChildren(...options);
    this.picker.value = String(first);
  }

  async refresh() {
    if (!this.info) return;
    const { text, dropped } = readable(this.input.value, this.info.vocab);
    this.text = text;
    if (!text) {
      this.h = null;
      this.paint();
      this.status.textContent = "Type some text for the network to read.";
      return;
    }
    this.controller?.abort();
    this.controller = new AbortController();
    this.status.textContent = "Reading…";
    try {
      const trace = await fetchTrace(
        {
          shipped: this.info.name,
          cell: this.info.cell,
          hidden_size: this.info.hidden_size,
          input: text,
          include_influence: false,
        },
        this.controller.signal,
      );
      this.h = trace.h;
      this.status.textContent = dropped
        ? `Left out (the network cannot read them): ${dropped}`
        : "";
      this.paint();
    } catch (err) {
      if (err.name === "AbortError") return;
      this.status.textContent = err.message;
    }
  }

  /** Colour each character by the chosen unit's h, and fill the table. */
  paint() {
    const j = Number(this.picker.value);
    const spans = [];
    const rows = [];
    if (this.h) {
      [...this.text].forEach((ch, t) => {
        const v = this.h[t][j];
        const { fill, ink } = diverging(v);
        const span = h("span", { class: "units-char", text: ch, title: `h = ${fmt(v)}` });
        span.style.backgroundColor = fill;
        span.style.color = ink;
        spans.push(span);
        rows.push(h("tr", {}, h("td", { text: spoken(ch) }), h("td", { text: fmt(v) })));
      });
    }
    this.strip.replaceChildren(...spans);
    this.tableBody.replaceChildren(...rows);
    const f = Object.entries(this.info?.features ?? {}).find(([, x]) => x.unit === j);
    this.what.textContent = f
      ? `Unit ${j} is the unit most related to “${f[1].shows}”: r = ${fmt(f[1].r, 2)} on text it never trained on.`
      : `Unit ${j} is not the closest to any feature the lesson measured: look for a pattern yourself.`;
    this.root.dataset.unit = String(j);
  }

  /** Ask the network to go on from the end of the student's text. */
  async write() {
    if (!this.info) return;
    const start = this.text.slice(-START_CHARS) || "the ";
    this.writeButton.disabled = true;
    this.sample.textContent = "Writing…";
    try {
      const out = await fetchSample({
        shipped: this.info.name,
        start,
        temperature: Number(this.temperature.value),
        seed: this.samples++,
        length: 200,
      });
      this.sample.replaceChildren(
        h("span", { class: "units-start", text: start }),
        h("span", { class: "units-written", text: out.text }),
      );
      this.root.dataset.written = String(this.samples);
    } catch (err) {
      this.sample.textContent = err.message;
    } finally {
      this.writeButton.disabled = false;
    }
  }
}

function legend() {
  return h(
    "div",
    { class: "units-legend" },
    h("span", { class: "units-label", text: "h after each character" }),
    h(
      "span",
      { class: "units-scale" },
      h("span", { "aria-hidden": "true", text: "−1" }),
      h("span", {
        class: "st-legend-bar bar-diverging",
        role: "img",
        "aria-label": "Colours: blue for −1, white for 0, orange for +1",
      }),
      h("span", { "aria-hidden": "true", text: "+1" }),
    ),
  );
}
