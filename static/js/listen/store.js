// What Listen remembers in localStorage: the voice and speed (for every lesson) and where the
// student stopped (per lesson). Storage may be full or switched off: then nothing is kept.

const PREFIX = "parade.listen.";

function read(key) {
  try {
    return JSON.parse(window.localStorage.getItem(PREFIX + key) ?? "null");
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value == null) window.localStorage.removeItem(PREFIX + key);
    else window.localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Private mode or a full quota: remembering is a nicety, reading aloud still works.
  }
}

/** Return the remembered voice's voiceURI, or "" for the browser's default. */
export const savedVoice = () => String(read("voice") ?? "");
export const saveVoice = (uri) => write("voice", uri || null);

/** Return the remembered speed, 1 unless a valid one was kept. */
export function savedRate() {
  const rate = Number(read("rate"));
  return rate >= 0.5 && rate <= 2 ? rate : 1;
}
export const saveRate = (rate) => write("rate", rate === 1 ? null : rate);

/**
 * Return the sentence to continue from in lesson `slug`, or null. A place is kept as section id,
 * sentence number in it and its first words, so an edit elsewhere in the lesson does not move it
 * and an edit of that sentence falls back to the start of its section.
 */
export function savedPlace(slug, sentences, sectionIds) {
  const place = read(`place.${slug}`);
  if (!place || typeof place.section !== "string") return null;
  const section = sectionIds.indexOf(place.section);
  const inSection = sentences.filter((s) => s.section === section);
  if (!inSection.length) return null;
  const exact = inSection[place.sentence];
  const found = exact?.text.startsWith(String(place.start)) ? exact : inSection[0];
  return found.index > 0 ? found : null;
}

export function savePlace(slug, sentence, sectionIds, sentences) {
  const first = sentences.findIndex((s) => s.section === sentence.section);
  write(`place.${slug}`, {
    section: sectionIds[sentence.section],
    sentence: sentence.index - first,
    start: sentence.text.slice(0, 40),
  });
}

export const forgetPlace = (slug) => write(`place.${slug}`, null);
