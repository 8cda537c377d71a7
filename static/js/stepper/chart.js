// A small canvas line chart (loss curves, the first float's influence): axes, ticks, log y.

import { onSchemeChange } from "../theme.js";

const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

function linearTicks(lo, hi, count) {
  const step = niceStep(hi - lo || 1, count);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(+v.toPrecision(12));
  return out;
}

function tickLabel(v, log) {
  if (log) {
    const e = Math.round(Math.log10(v));
    return e >= -2 && e <= 3 ? String(10 ** e) : `1e${e}`.replace("-", "−");
  }
  return Math.abs(v) >= 1000 ? `${v / 1000}k` : String(v);
}

export class LineChart {
  /** opts: {label, xLabel, yLabel, yLog, yMin, yMax, xMin, xMax, height} */
  constructor(opts) {
    this.opts = { height: 180, ...opts };
    this.canvas = document.createElement("canvas");
    this.canvas.className = "st-chart";
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", opts.label || "chart");
    this.canvas.style.height = `${this.opts.height}px`;
    if (opts.yLabel) this.canvas.dataset.yLabel = opts.yLabel;
    this.data = { series: [] };
    // Colours may be CSS (var(--lane-rnn)): a probe inside the canvas (fallback content, never
    // painted) resolves them in the page's scheme, once per draw, never per frame.
    this.probe = document.createElement("span");
    this.canvas.append(this.probe);
    this.resolved = new Map();
    this.base = document.createElement("canvas"); // axes, text and lines: redrawn when data change
    this.overlay = null; // the moving marker: drawn on top without text, so no style recalc
    this.width = 0; // cached from the observer: reading clientWidth mid-step would force layout
    new ResizeObserver((entries) => {
      this.width = entries[0].contentRect.width;
      this.draw(this.data);
    }).observe(this.canvas);
    onSchemeChange(() => this.draw(this.data));
  }

  /** Return `colour` as the canvas can use it: CSS variables resolved in this scheme. */
  paint(colour) {
    if (!colour?.includes("var(")) return colour;
    let out = this.resolved.get(colour);
    if (!out) {
      this.probe.style.color = colour;
      out = getComputedStyle(this.probe).color;
      this.resolved.set(colour, out);
    }
    return out;
  }

  /** data: {series: [{points: [[x, y]], colour, dash, width, alpha, dots}], hlines} */
  draw(data) {
    this.data = data;
    this.resolved.clear(); // the scheme may have changed since the last draw
    // what is plotted, for a reader of the page without its pixels (the browser tests)
    this.canvas.dataset.series = JSON.stringify(data.series.map((s) => s.points));
    const { canvas, opts } = this;
    const W = this.width;
    const H = opts.height;
    if (!W) return;
    const dpr = window.devicePixelRatio || 1;
    for (const c of [canvas, this.base]) {
      if (c.width !== Math.round(W * dpr)) c.width = Math.round(W * dpr);
      if (c.height !== Math.round(H * dpr)) c.height = Math.round(H * dpr);
    }
    this.dpr = dpr;
    const ctx = this.base.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.font = FONT;

    const pts = data.series.flatMap((s) => s.points);
    const ys = pts.map((p) => p[1]).filter((y) => (opts.yLog ? y > 0 : Number.isFinite(y)));
    const xs = pts.map((p) => p[0]);
    const x0 = opts.xMin ?? Math.min(...xs, 0);
    let x1 = opts.xMax ?? Math.max(...xs, 1);
    if (x1 <= x0) x1 = x0 + 1;
    let y0 = opts.yMin ?? (ys.length ? Math.min(...ys) : 0);
    let y1 = opts.yMax ?? (ys.length ? Math.max(...ys) : 1);
    for (const l of data.hlines || []) {
      y0 = Math.min(y0, l.y);
      y1 = Math.max(y1, l.y);
    }
    if (opts.yLog) {
      y0 = 10 ** Math.floor(Math.log10(y0 > 0 ? y0 : 1e-3));
      y1 = 10 ** Math.ceil(Math.log10(y1 > 0 ? y1 : 1));
      if (y1 <= y0) y1 = y0 * 10;
    } else if (y1 <= y0) {
      y1 = y0 + 1;
    }
    // y ticks first: the left margin is measured from their labels (and the rotated axis title)
    const yt = opts.yLog
      ? Array.from({ length: Math.round(Math.log10(y1 / y0)) + 1 }, (_, i) => y0 * 10 ** i)
      : linearTicks(y0, y1, 4);
    const yStep = Math.max(1, Math.ceil(yt.length / 6));
    const shown = yt.filter((_, i) => i % yStep === 0).map((v) => [v, tickLabel(v, opts.yLog)]);
    const tickW = Math.max(0, ...shown.map(([, s]) => ctx.measureText(s).width));
    const TITLE = 16; // the rotated y title's band (12 px text), left of the tick labels
    const left = Math.ceil(tickW + 8 + (opts.yLabel ? TITLE + 4 : 0)) + 2;
    this.margin = { left, tickW };
    Object.assign(canvas.dataset, { left, tickWidth: tickW });
    const right = 10;
    const top = 10;
    const bottom = opts.xLabel ? 34 : 22;
    const pw = W - left - right;
    const ph = H - top - bottom;
    const X = (x) => left + ((x - x0) / (x1 - x0)) * pw;
    const fy = (y) => (opts.yLog ? Math.log10(Math.max(y, y0 * 1e-3)) : y);
    const Y = (y) => top + ph - ((fy(y) - fy(y0)) / (fy(y1) - fy(y0))) * ph;

    // grid and ticks
    const muted = this.paint("var(--st-muted)");
    ctx.strokeStyle = this.paint("var(--st-line)");
    ctx.fillStyle = muted;
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const [v, label] of shown) {
      const y = Math.round(Y(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + pw, y);
      ctx.stroke();
      ctx.fillText(label, left - 6, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of linearTicks(x0, x1, Math.max(2, Math.floor(pw / 70)))) {
      ctx.fillText(tickLabel(v, false), X(v), top + ph + 5);
    }
    if (opts.xLabel) ctx.fillText(opts.xLabel, left + pw / 2, top + ph + 19);
    ctx.strokeStyle = this.paint("var(--st-faint)");
    ctx.beginPath();
    ctx.moveTo(left, top);
    ctx.lineTo(left, top + ph);
    ctx.lineTo(left + pw, top + ph);
    ctx.stroke();
    if (opts.yLabel) {
      // centred in its own band, left of the widest tick label: they cannot overlap
      ctx.save();
      ctx.translate(2 + TITLE / 2, top + ph / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(opts.yLabel, 0, 0);
      ctx.restore();
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top - 2, pw, ph + 4);
    ctx.clip();
    for (const l of data.hlines || []) {
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = this.paint(l.colour) || muted;
      const y = Y(l.y);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + pw, y);
      ctx.stroke();
      ctx.setLineDash([]);
      if (l.label) {
        ctx.textAlign = "right";
        ctx.textBaseline = "bottom";
        ctx.fillStyle = this.paint(l.colour) || muted;
        ctx.fillText(l.label, left + pw - 4, y - 2);
      }
    }
    for (const s of data.series) {
      if (!s.points.length) continue;
      ctx.strokeStyle = this.paint(s.colour);
      ctx.fillStyle = this.paint(s.colour);
      ctx.globalAlpha = s.alpha ?? 1;
      ctx.lineWidth = s.width ?? 2;
      ctx.setLineDash(s.dash || []);
      ctx.beginPath();
      for (const [i, [x, y]] of s.points.entries()) {
        if (i) ctx.lineTo(X(x), Y(y));
        else ctx.moveTo(X(x), Y(y));
      }
      ctx.stroke();
      ctx.setLineDash([]);
      if (s.dots)
        for (const [x, y] of s.points) {
          ctx.beginPath();
          ctx.arc(X(x), Y(y), 3.5, 0, 2 * Math.PI);
          ctx.fill();
        }
      ctx.globalAlpha = 1;
    }
    ctx.restore();
    this.X = X;
    this.Y = Y;
    this.plot = { top, ph };
    this.present();
  }

  /** Show a vertical line at x and a dot on each series there (cheap: no text, no layout). */
  mark(x, dots) {
    this.overlay = { x, dots };
    this.present();
  }

  present() {
    if (!this.X) return;
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.base, 0, 0);
    if (!this.overlay) return;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const { x, dots } = this.overlay;
    const { top, ph } = this.plot;
    ctx.strokeStyle = this.paint("var(--st-faint)"); // resolved in draw(): cached
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(this.X(x), top);
    ctx.lineTo(this.X(x), top + ph);
    ctx.stroke();
    for (const d of dots) {
      ctx.fillStyle = this.paint(d.colour);
      ctx.beginPath();
      ctx.arc(this.X(x), this.Y(d.y), 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}

/** Return a legend (HTML list) for chart series: a swatch in the line's colour and dash. */
export function chartLegend(items) {
  const ul = document.createElement("ul");
  ul.className = "st-chart-legend";
  for (const it of items) {
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = `st-swatch${it.dash?.length ? " dashed" : ""}${it.dotted ? " dotted" : ""}`;
    sw.style.borderColor = it.colour;
    li.append(sw, it.label);
    ul.append(li);
  }
  return ul;
}
