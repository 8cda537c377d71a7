// A scripted speechSynthesis for tests (headless Chromium has no voices). Injected before the
// page's scripts with page.add_init_script, after `window.__speechConfig = {...}`:
//   voices: [{name, lang, voiceURI}]   what getVoices() offers ([] = none)
//   auto: ms                           each utterance ends by itself after ms; null = it speaks
//                                      until the test calls __speech.finish()
//   failWith: "synthesis-failed"       the first utterance fails with this error instead
//   silent: true                       speak() is accepted but nothing ever starts
// window.__speech.spoken records every utterance: {text, rate, voice, lang}.
(() => {
  const config = {
    voices: [
      { name: "Test Voice A", lang: "en-GB", voiceURI: "test-a" },
      { name: "Test Voice B", lang: "en-US", voiceURI: "test-b" },
      { name: "Test Stimme", lang: "de-DE", voiceURI: "test-de" },
    ],
    auto: null,
    failWith: null,
    silent: false,
    ...(window.__speechConfig || {}),
  };
  const voices = config.voices.map((v) => ({ default: false, localService: true, ...v }));

  class FakeUtterance extends EventTarget {
    constructor(text = "") {
      super();
      Object.assign(this, { text, lang: "", voice: null, rate: 1, pitch: 1, volume: 1 });
    }
  }

  const fire = (u, type, extra = {}) => {
    const event = Object.assign(new Event(type), { utterance: u, charIndex: 0 }, extra);
    u.dispatchEvent(event);
  };

  class FakeSynth extends EventTarget {
    constructor() {
      super();
      this.spoken = [];
      this.current = null;
      this.queue = [];
      this.cancels = 0;
    }

    get speaking() {
      return this.current !== null;
    }

    get pending() {
      return this.queue.length > 0;
    }

    get paused() {
      return false;
    }

    getVoices() {
      return voices;
    }

    speak(u) {
      const voice = u.voice?.name ?? null;
      this.spoken.push({ text: u.text, rate: u.rate, voice, lang: u.lang, t: performance.now() });
      this.queue.push(u);
      if (!this.current) this.next();
    }

    next() {
      const u = this.queue.shift() ?? null;
      this.current = u;
      if (!u || config.silent) return;
      setTimeout(() => {
        if (this.current !== u) return;
        if (config.failWith) {
          this.current = null;
          fire(u, "error", { error: config.failWith });
          return;
        }
        fire(u, "start");
        // A word boundary for every word, as real voices report them.
        for (const m of u.text.matchAll(/\S+/g)) {
          fire(u, "boundary", { charIndex: m.index, name: "word" });
        }
        if (config.auto != null) setTimeout(() => this.current === u && this.finish(), config.auto);
      }, 0);
    }

    /** End the utterance being spoken (as a voice does when it reaches the end). */
    finish() {
      const u = this.current;
      if (!u) return false;
      this.current = null;
      fire(u, "end");
      if (!this.current) this.next(); // unless the end handler already spoke again
      return true;
    }

    cancel() {
      this.cancels++;
      const u = this.current;
      this.current = null;
      const dropped = this.queue.splice(0);
      // As Chrome does: the one speaking is "interrupted", queued ones "canceled", later.
      if (u) setTimeout(() => fire(u, "error", { error: "interrupted" }), 0);
      for (const q of dropped) setTimeout(() => fire(q, "error", { error: "canceled" }), 0);
    }

    pause() {}

    resume() {}
  }

  const synth = new FakeSynth();
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  Object.defineProperty(window, "SpeechSynthesisUtterance", {
    value: FakeUtterance,
    configurable: true,
  });
  window.__speech = synth;
})();
