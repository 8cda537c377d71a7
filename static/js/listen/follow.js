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
  reveal(sentence, again = true) {
    const first = sentence.spans[0].getBoundingClientRect();
    const last = sentence.spans[sentence.spans.length - 1].getBoundingClientRect();
    const { top, bottom } = this.band();
    const margin = 16;
    if (first.top >= top + margin && last.bottom <= bottom - margin * 3) return;
    const end = document.documentElement.scrollHeight - window.innerHeight;
    const y = Math.max(0, Math.min(end, window.scrollY + first.top - top - (bottom - top) / 4));
    if (reducedMotion.matches) {
      window.scrollTo({ top: y, behavior: "instant" });
      return;
    }
    window.scrollTo({ top: y, behavior: "smooth" });
    // Widgets passed on the way may grow as they load and push the sentence down: once the
    // glide ends where it was aimed (not where the student stopped it), aim once more.
    if (!again || !("onscrollend" in window)) return;
    window.addEventListener(
      "scrollend",
      () => {
        const arrived = Math.abs(window.scrollY - y) < 2;
        if (arrived && this.current === sentence) this.reveal(sentence, false);
      },
      { once: true },
    );
  }
}
