// h_{t−1}, the gates, c and h_t as rows of coloured cells: one column per hidden unit.

import { diverging, gate } from "./colors.js";
import { fmt, h } from "./dom.js";
import { ROW_TEXT, ROWS, rowValues } from "./run.js";

export class StateGrid {
  /** onSelect(unit) is called when a cell is clicked. */
  constructor({ title = "", onSelect }) {
    this.onSelect = onSelect;
    this.title = h("p", { class: "st-grid-title", text: title, hidden: !title });
    // It scrolls sideways when the units outgrow the widget: reachable by keyboard too.
    this.rowsEl = h("div", {
      class: "st-rows",
      tabindex: "0",
      role: "group",
      "aria-label": title || "The state, unit by unit",
    });
    this.el = h("div", { class: "st-grid" }, this.title, this.rowsEl);
    this.shape = "";
    this.selected = -1;
    // Tooltips are written when hovered, not on every step (a step must fit in one frame).
    this.rowsEl.addEventListener("mouseover", (e) => {
      const cell = e.target.closest?.(".st-cell[data-value]");
      const row = cell?.closest(".st-row");
      if (!cell || !row) return;
      const { unit, value } = cell.dataset;
      cell.title = `${ROW_TEXT[row.dataset.row]}, unit ${unit}: ${value}`;
    });
  }

  /** Rebuild the rows when the cell type or the hidden size changes. */
  build(cell, H) {
    const shape = `${cell}:${H}`;
    if (shape === this.shape) return;
    this.shape = shape;
    this.H = H;
    this.digits = H <= 4 ? 3 : 2;
    this.showText = H <= 16;
    this.rowsEl.replaceChildren();
    this.rowsEl.className = `st-rows ${H <= 4 ? "roomy" : H <= 16 ? "compact" : "dense"}`;
    this.rowsEl.style.setProperty("--n", H);
    if (H <= 16)
      this.rowsEl.style.setProperty("--cw", H <= 4 ? "4.1rem" : H <= 8 ? "2.9rem" : "2.45rem");
    else this.rowsEl.style.removeProperty("--cw");
    this.rowsEl.style.setProperty("--n-narrow", H > 16 ? Math.ceil(H / 2) : H);
    // Unit headers in the same grid columns as the cells: "unit 0" when roomy, "u0" when
    // compact, every 8th unit when dense (cells too narrow for a label each).
    const idx = h("div", { class: "st-cells st-index", "aria-hidden": "true" });
    for (let j = 0; j < H; j++) {
      const text = H <= 4 ? `unit ${j}` : H <= 16 ? `u${j}` : j % 8 === 0 ? `u${j}` : "";
      idx.append(h("span", { class: "st-cell", dataset: { unit: j }, text }));
    }
    this.rowsEl.append(
      h(
        "div",
        { class: "st-row st-row-index" },
        h("div", { class: "st-label", text: H <= 4 ? "" : "unit" }),
        idx,
      ),
    );
    this.rows = ROWS[cell].map(([key, label, desc, scale]) => {
      const cells = [];
      const box = h("div", { class: "st-cells" });
      for (let j = 0; j < H; j++) {
        const c = h("div", { class: "st-cell", dataset: { unit: j } });
        c.addEventListener("click", () => this.onSelect(j));
        cells.push(c);
        box.append(c);
      }
      const row = h(
        "div",
        { class: `st-row st-row-${key} scale-${scale}`, dataset: { row: key } },
        h(
          "div",
          { class: "st-label" },
          h("span", { class: "st-sym", html: label }),
          h("span", { class: "st-desc", html: desc }),
        ),
        box,
      );
      this.rowsEl.append(row);
      // what each cell shows now: {fill, ink, text, value}
      const shown = cells.map(() => ({ fill: "", ink: "", text: "", value: undefined }));
      return { key, scale, cells, shown, el: row, name: ROW_TEXT[key] };
    });
    this.selected = -1;
  }

  /**
   * Paint step t of `run` (null: leave the rows empty) and mark unit `unit`. A colour or a text
   * is written only when it differs from what the cell shows: an inline style write costs the
   * cell a style recalculation, and at 64 units most colours of a row repeat from one step to
   * the next (the scales have 256 steps).
   */
  update(run, t, unit) {
    for (const row of this.rows) {
      const values = run ? rowValues(run, row.key, t) : null;
      const colour = row.scale === "gate" ? gate : diverging;
      const { cells, shown } = row;
      for (let j = 0; j < this.H; j++) {
        const cell = cells[j];
        const was = shown[j];
        if (!values) {
          if (!was.fill) continue;
          cell.style.backgroundColor = "";
          cell.style.color = "";
          cell.textContent = "";
          delete cell.dataset.value;
          shown[j] = { fill: "", ink: "", text: "", value: undefined };
          continue;
        }
        const v = values[j];
        const { fill, ink } = colour(v);
        if (fill !== was.fill) {
          cell.style.backgroundColor = fill;
          was.fill = fill;
        }
        if (this.showText) {
          const text = fmt(v, this.digits);
          if (ink !== was.ink) {
            cell.style.color = ink;
            was.ink = ink;
          }
          if (text !== was.text) {
            cell.textContent = text;
            was.text = text;
          }
        }
        if (v !== was.value) {
          cell.dataset.value = String(v); // the exact number, for whoever reads the page
          was.value = v;
        }
      }
    }
    if (unit !== this.selected) {
      for (const row of this.rows) {
        row.cells[this.selected]?.classList.remove("sel");
        row.cells[unit]?.classList.add("sel");
      }
      this.selected = unit;
    }
  }
}

/** Return the colour legend for the state grid (diverging, plus gates when the cell has them). */
export function stateLegend() {
  const bar = (cls, lo, mid, hi, label) =>
    h(
      "div",
      { class: `st-legend-item item-${cls}` },
      h("span", { class: "st-legend-label", text: label }),
      h(
        "span",
        { class: "st-legend-scale" },
        h("span", { class: "st-legend-tick", text: lo }),
        h("span", {
          class: `st-legend-bar ${cls}`,
          role: "img",
          "aria-label": `${label}: from ${lo} to ${hi}`,
        }),
        h("span", { class: "st-legend-tick", text: hi }),
      ),
      mid ? h("span", { class: "st-legend-mid", text: mid }) : null,
    );
  return h(
    "div",
    { class: "st-legend" },
    bar("bar-diverging", "−1", "0 is white", "+1", "States and candidates"),
    bar("bar-gate", "0 (closed)", "", "1 (open)", "Gates"),
  );
}
