// Highlights the sentence being read and keeps it in view, the way a reader's finger would:
// the page follows the voice only while the reading spot is on screen. A student who has
// scrolled away to look at something else is left there.

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

export class Follower {
  /** `bar`: the player bar, which covers the top of the window while it is sticky. */
  constructor(bar) {
    this.bar = bar;
    this.current = null;
  }

  /** Return the visible band of the window: below the sticky bar, above the bottom edge. */
  band() {
    const barBottom = Math.max(0, this.bar.getBoundingClientRect().bottom);
    return { top: barBottom, bottom: window.innerHeight };
  }

  /** Whether any part of `sentence` is in the visible band. */
  onScreen(sentence) {
    const { top, bottom } = this.band();
    return sentence.spans.some((el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > top && r.top < bottom;
    });
  }

  /**
   * Highlight `sentence`. Scroll to it when the student asked for it (`jumped`) or when the
   * previous sentence was still on screen, that is, the student was following along.
   */
  show(sentence, jumped) {
    const following = jumped || !this.current || this.onScreen(this.current);
    this.clear();
    this.current = sentence;
    for (const el of sentence.spans) el.classList.add("listen-now");
    if (following) this.reveal(sentence);
  }

  clear() {
    for (const el of this.current?.spans ?? []) el.classList.remove("listen-now");
    this.current = null;
  }

  /** Scroll so the sentence sits in the upper part of the band, unless it already fits there. */
  reveal(sentence) {
    const first = sentence.spans[0].getBoundingClientRect();
    const last = sentence.spans[sentence.spans.length - 1].getBoundingClientRect();
    const { top, bottom } = this.band();
    const margin = 16;
    if (first.top >= top + margin && last.bottom <= bottom - margin * 3) return;
    const y = window.scrollY + first.top - top - Math.min(bottom - top, 600) / 4;
    const behavior = reducedMotion.matches ? "instant" : "smooth";
    window.scrollTo({ top: Math.max(0, y), behavior });
  }
}
