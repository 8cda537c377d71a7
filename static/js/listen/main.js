// The "Listen" player bar: wires the buttons, menus, shortcut and clicks on sentences to a
// Reader, shows where it is, and remembers voice, speed and place.

import { Follower } from "./follow.js";
import { Reader } from "./reader.js";
import { wrapSentences } from "./sentences.js";
import * as store from "./store.js";
import { fillVoiceMenu, findVoice, loadVoices } from "./voices.js";

/** Return whether `e` is the play/pause shortcut, Alt+Shift+L (by key position: on a Mac,
 * Option+Shift+L types a letter, not "L"). */
const isShortcut = (e) => e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === "KeyL";

export function mountListen(root) {
  const lang = document.documentElement.lang || "en";
  const slug = document.querySelector("main.lesson")?.dataset.slug ?? "";
  const ids = root.dataset.narrated.split(" ").filter(Boolean);
  const sectionEls = ids.map((id) => document.getElementById(id)).filter(Boolean);
  const sectionIds = sectionEls.map((el) => el.id);
  const sentences = wrapSentences(sectionEls, lang);
  if (!sentences.length) {
    // Nothing to read: give back the place listen.css held for the player.
    root.remove();
    document.getElementById("listen-help")?.remove();
    return null;
  }

  const $ = (selector) => root.querySelector(selector);
  const where = $(".listen-where");
  const status = $(".listen-status");
  const rateMenu = $(".listen-rate");
  const voiceMenu = $(".listen-voice");
  const resume = document.getElementById("listen-resume");
  const help = document.getElementById("listen-help");
  const settings = $(".listen-settings");
  const follower = new Follower(root);
  const sectionCount = new Set(sentences.map((s) => s.section)).size;
  const firstOf = (section) => sentences.find((s) => s.section === section);
  const inSection = (section) => sentences.filter((s) => s.section === section);
  // Sections are counted among those that have something to read.
  const sectionNumbers = [...new Set(sentences.map((s) => s.section))];

  const showPlace = (sentence) => {
    const all = inSection(sentence.section);
    const section = sectionNumbers.indexOf(sentence.section) + 1;
    const k = all.indexOf(sentence) + 1;
    where.textContent = `Section ${section} of ${sectionCount}, sentence ${k} of ${all.length}`;
    const last = sentences.length - 1;
    const ends = {
      "prev-sentence": sentence.index === 0,
      "prev-section": sentence.index === 0,
      "next-sentence": sentence.index === last,
      "next-section": sentence.section === sentences[last].section,
    };
    for (const [action, off] of Object.entries(ends)) {
      $(`[data-do="${action}"]`).setAttribute("aria-disabled", String(off));
    }
  };

  const reader = new Reader(
    sentences,
    {
      sentence(s, jumped) {
        follower.show(s, jumped);
        showPlace(s);
        resume.hidden = true;
        store.savePlace(slug, s, sectionIds, sentences);
      },
      state(state) {
        root.dataset.state = state;
        if (state === "idle") follower.clear();
        // An old problem is over once reading goes on.
        if (state !== "idle") status.textContent = "";
      },
      problem(message) {
        status.textContent = message;
      },
      voices(voices) {
        return findVoice(voices, voiceMenu.value || store.savedVoice());
      },
      finished() {
        store.forgetPlace(slug);
        showPlace(sentences[0]);
        status.textContent = "Finished: that was the last narrated section.";
      },
    },
    lang,
  );
  rateMenu.value = String(store.savedRate());
  if (!rateMenu.value) rateMenu.value = "1"; // a kept speed the menu does not offer
  reader.rate = Number(rateMenu.value);

  // --- where to start ----------------------------------------------------------------------------
  const place = store.savedPlace(slug, sentences, sectionIds);
  showPlace(place ?? sentences[0]);
  if (place) {
    reader.index = place.index;
    const section = sectionNumbers.indexOf(place.section) + 1;
    const title = sectionEls[place.section].querySelector("h2")?.textContent.trim() ?? "";
    const text = resume.querySelector(".listen-resume-text");
    text.textContent = `Continue from section ${section}, “${title}”?`;
    resume.hidden = false;
  }

  // --- controls ----------------------------------------------------------------------------------
  const current = () => sentences[reader.index];
  const actions = {
    play: () => reader.toggle(),
    stop: () => reader.stop(),
    continue: () => reader.play(),
    restart: () => {
      store.forgetPlace(slug);
      reader.play(0);
    },
    "prev-sentence": () => reader.jump(reader.index - 1),
    "next-sentence": () => reader.jump(reader.index + 1),
    "prev-section": () => {
      // As on a music player: back to this section's start, or to the one before if already there.
      const start = firstOf(current().section);
      const before = sentences[start.index - 1];
      const atStart = start.index === reader.index;
      reader.jump(atStart && before ? firstOf(before.section).index : start.index);
    },
    "next-section": () => {
      const next = sentences.find((s) => s.section > current().section);
      if (next) reader.jump(next.index);
    },
  };
  const onButton = (e) => {
    const button = e.target.closest("button[data-do]");
    if (!button || button.getAttribute("aria-disabled") === "true") return;
    actions[button.dataset.do]();
  };
  root.addEventListener("click", onButton);
  resume?.addEventListener("click", onButton);

  // The voice and speed panel floats over the page: Escape or a click elsewhere closes it.
  settings.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !settings.open) return;
    settings.open = false;
    settings.querySelector("summary").focus();
  });
  document.addEventListener("click", (e) => {
    if (settings.open && !settings.contains(e.target)) settings.open = false;
  });

  rateMenu.addEventListener("change", () => {
    const rate = Number(rateMenu.value);
    store.saveRate(rate);
    reader.configure({ rate });
  });

  if (reader.supported) {
    const synth = window.speechSynthesis;
    const refresh = () => {
      const voices = synth.getVoices();
      fillVoiceMenu(voiceMenu, voices, lang, store.savedVoice());
      reader.voice = findVoice(voices, voiceMenu.value);
    };
    loadVoices(synth).then(refresh);
    synth.addEventListener("voiceschanged", refresh);
    voiceMenu.addEventListener("change", () => {
      store.saveVoice(voiceMenu.value);
      reader.configure({ voice: findVoice(synth.getVoices(), voiceMenu.value) });
    });
    // Leaving the page must not leave the voice talking.
    window.addEventListener("pagehide", () => reader.silence());
  } else {
    voiceMenu.disabled = true;
  }

  // Clicking a sentence starts reading there, unless the click selected text or followed a link.
  root.closest("article")?.addEventListener("click", (e) => {
    const span = e.target.closest(".listen-s");
    if (!span || e.target.closest("a, button, input, select, textarea, label, summary")) return;
    if (!window.getSelection()?.isCollapsed) return;
    reader.play(Number(span.dataset.s));
  });

  document.addEventListener("keydown", (e) => {
    if (!isShortcut(e) || e.repeat) return;
    e.preventDefault();
    reader.toggle();
  });

  root.hidden = false;
  if (help) help.hidden = false;
  return reader;
}
