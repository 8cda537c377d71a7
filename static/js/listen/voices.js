// The browser's voices: waiting for them to load, and the voice menu.

/**
 * Resolve with the voices, waiting up to `ms` for them: Chrome loads them after the page and
 * announces them with "voiceschanged", so an empty list at first may not be the last word.
 */
let waited = false; // once a wait has run out, an empty list is the answer: no waiting again

export function loadVoices(synth, ms = 1500) {
  const now = synth.getVoices();
  if (now.length || waited) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      synth.removeEventListener("voiceschanged", done);
      waited = true;
      resolve(synth.getVoices());
    };
    const timer = setTimeout(done, ms);
    synth.addEventListener("voiceschanged", done);
  });
}

/** Return the voice whose voiceURI is `uri`, or null for the browser's default. */
export const findVoice = (voices, uri) => voices.find((v) => v.voiceURI === uri) ?? null;

/**
 * Fill the voice menu: the browser's default first, then voices in the page's language, then
 * the others, each named with its language (and "online" when it needs the network).
 */
export function fillVoiceMenu(select, voices, lang, chosen) {
  const base = (lang || "en").split("-")[0].toLowerCase();
  const ours = (v) => v.lang.toLowerCase().split(/[-_]/)[0] === base;
  const sorted = [...voices].sort(
    (a, b) => Number(ours(b)) - Number(ours(a)) || a.name.localeCompare(b.name),
  );
  const options = [new Option("Browser default", "")];
  for (const v of sorted) {
    const where = v.localService === false ? ", online" : "";
    options.push(new Option(`${v.name} (${v.lang}${where})`, v.voiceURI));
  }
  select.replaceChildren(...options);
  select.value = findVoice(voices, chosen) ? chosen : "";
}
