// Reads a list of sentences aloud with the browser's speech synthesis, one utterance per
// sentence: pausing is instant (cancel, then speak the sentence again on resume), the position
// is always exact, and no utterance runs long enough for Chrome's ~15 s cut-off.
//
// States: "idle" (nothing under way), "playing", "paused". Every problem ends in "idle" with
// a sentence the student can act on; nothing waits forever on an event that never comes.

import { loadVoices } from "./voices.js";

// Long sentences are said in pieces cut after a comma or the like: some of Chrome's voices
// stop a single utterance after about 15 seconds, which is ~200 characters at normal speed.
const MAX_CHARS = 200;
// A voice that has not started this long after speak() is not going to.
const START_TIMEOUT_MS = 5000;
const ENDED_POLL_MS = 1000;

export const PROBLEMS = {
  unsupported:
    "This browser cannot read pages aloud. The lesson is all here to read; to listen, open it " +
    "in a recent Chrome, Edge, Safari or Firefox.",
  noVoices:
    "Your browser has no voice to read with, so it cannot read aloud. To add one: on Windows, " +
    "Settings › Time & language › Speech; on a Mac, System Settings › Accessibility › Spoken " +
    "Content; on Linux, install speech-dispatcher and espeak-ng. Then reload this page.",
  noStart:
    "The voice did not start speaking. Pick another voice under Voice, or reload the page " +
    "and try again.",
  "not-allowed":
    "The browser blocked speech on this page. Press Listen again; if that does not help, " +
    "allow sound for this site in the browser's settings.",
  network:
    "That voice reads over the internet and the connection failed. Pick a voice that is not " +
    "marked online, or try again.",
  "voice-unavailable": "That voice is not available any more. Pick another voice under Voice.",
  "language-unavailable": "That voice cannot read English. Pick another voice under Voice.",
  "audio-busy": "Another program is using the sound. Close it, then press Listen again.",
  failed: "The voice stopped with an error. Press Listen to try again, or pick another voice.",
};

/** Return `text` in pieces of at most `max` characters, cut after punctuation where possible. */
export function pieces(text, max = MAX_CHARS) {
  const out = [];
  let piece = "";
  for (const word of text.split(" ")) {
    if (piece && piece.length + 1 + word.length > max) {
      // Cut after the last comma, semicolon, colon or dash in this piece, if it has one.
      const cut = Math.max(...[", ", "; ", ": ", " – ", " — "].map((p) => piece.lastIndexOf(p)));
      if (cut > max / 3) {
        out.push(piece.slice(0, cut + 1).trim());
        piece = piece.slice(cut + 1).trim();
      } else {
        out.push(piece);
        piece = "";
      }
    }
    piece = piece ? `${piece} ${word}` : word;
  }
  if (piece) out.push(piece);
  return out;
}

export class Reader {
  /**
   * `sentences`: [{section, index, text}]; `on`: {sentence(s, jumped), state(name),
   * problem(message), voices(list) -> the voice to use, finished()}.
   */
  constructor(sentences, on, lang) {
    this.sentences = sentences;
    this.on = on;
    this.lang = lang;
    this.synth = window.speechSynthesis ?? null;
    this.state = "idle";
    this.index = 0;
    this.rate = 1;
    this.voice = null; // null: the browser's default
    this.token = 0; // bumped whenever what is being said changes; stale events are ignored
    this.utterance = null; // held so Chrome does not garbage-collect it and drop its events
    this.timer = 0;
  }

  get supported() {
    return Boolean(this.synth) && typeof window.SpeechSynthesisUtterance === "function";
  }

  /** Start (or resume) reading at sentence `index`. */
  async play(index = this.index) {
    this.index = clampIndex(index, this.sentences);
    if (!this.supported) return this.fail(PROBLEMS.unsupported);
    const token = ++this.token;
    this.setState("playing");
    this.on.sentence(this.sentences[this.index], true);
    // Speak within the click's own task when the voices are there: Safari on iOS only lets a
    // page start speaking from a user's gesture.
    let voices = this.synth.getVoices();
    if (!voices.length) voices = await loadVoices(this.synth);
    if (token !== this.token) return; // paused or moved while the voices were loading
    if (!voices.length) return this.fail(PROBLEMS.noVoices);
    this.voice = this.on.voices(voices);
    this.speak();
  }

  pause() {
    if (this.state !== "playing") return;
    this.silence();
    this.setState("paused");
  }

  toggle() {
    if (this.state === "playing") this.pause();
    else this.play();
  }

  /** Stop reading and forget nothing but the state: the position stays where it was. */
  stop() {
    this.silence();
    this.setState("idle");
  }

  /** Move to sentence `index`; keep playing if playing, else show it and wait there. */
  jump(index) {
    const target = clampIndex(index, this.sentences);
    if (this.state === "playing") return this.play(target);
    this.index = target;
    this.setState("paused");
    this.on.sentence(this.sentences[target], true);
  }

  /** A new speed or voice is heard at once: the current sentence starts again with it. */
  configure({ rate = this.rate, voice = this.voice }) {
    this.rate = rate;
    this.voice = voice;
    if (this.state === "playing") this.play();
  }

  // --- speaking -------------------------------------------------------------------------------

  silence() {
    this.token++;
    clearTimeout(this.timer); // a timeout or an interval: both share one id space
    clearInterval(this.timer);
    // Only when something is under way: on some systems a cancel() right before speak()
    // swallows the new utterance too.
    if (this.synth?.speaking || this.synth?.pending) this.synth.cancel();
  }

  /** Say the current sentence, piece by piece, then move on. */
  speak() {
    this.silence();
    const token = this.token;
    const parts = pieces(this.sentences[this.index].text);
    const say = (k) => {
      const u = new SpeechSynthesisUtterance(parts[k]);
      u.lang = this.voice?.lang || this.lang;
      u.rate = this.rate;
      if (this.voice) u.voice = this.voice;
      let over = false;
      const ended = () => {
        if (over || token !== this.token) return;
        over = true;
        clearInterval(this.timer);
        if (k + 1 < parts.length) say(k + 1);
        else this.advance();
      };
      u.addEventListener("start", () => {
        if (token !== this.token) return;
        // Some voices go quiet without an "end" event: once nothing is speaking, move on.
        clearTimeout(this.timer);
        this.timer = setInterval(() => this.synth.speaking || ended(), ENDED_POLL_MS);
      });
      u.addEventListener("end", ended);
      u.addEventListener("error", (e) => {
        if (over || token !== this.token) return;
        // Cancelled by someone else (another tab, the system): stop here, ready to resume.
        if (e.error === "interrupted" || e.error === "canceled") this.pause();
        else this.fail(PROBLEMS[e.error] ?? PROBLEMS.failed);
      });
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        if (token === this.token) this.fail(PROBLEMS.noStart);
      }, START_TIMEOUT_MS);
      this.utterance = u;
      this.synth.speak(u);
    };
    say(0);
  }

  advance() {
    if (this.index + 1 >= this.sentences.length) {
      this.silence();
      this.index = 0;
      this.setState("idle");
      this.on.finished();
      return;
    }
    this.index++;
    this.on.sentence(this.sentences[this.index], false);
    this.speak();
  }

  fail(message) {
    this.silence();
    this.setState("idle");
    this.on.problem(message);
  }

  setState(state) {
    this.state = state;
    this.on.state(state);
  }
}

const clampIndex = (i, list) => Math.max(0, Math.min(list.length - 1, i));
