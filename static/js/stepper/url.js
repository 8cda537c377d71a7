// Each widget keeps its whole state in the page URL as `<widget id>.<key>=value` query
// parameters, so a copied link reproduces exactly what the student sees.

/** Return {key: value} of the URL parameters that belong to widget `id`. */
export function readUrlState(id) {
  const params = new URLSearchParams(window.location.search);
  const prefix = `${id}.`;
  const out = {};
  for (const [key, value] of params) {
    if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  }
  return out;
}

/** Return the page URL with widget `id`'s parameters replaced by `entries`. */
export function urlWith(id, entries) {
  const url = new URL(window.location.href);
  const prefix = `${id}.`;
  for (const key of [...url.searchParams.keys()]) {
    if (key.startsWith(prefix)) url.searchParams.delete(key);
  }
  for (const [key, value] of Object.entries(entries)) url.searchParams.set(prefix + key, value);
  return url;
}

/** Put widget `id`'s state in the address bar without a new history entry. */
export function writeUrlState(id, entries) {
  const url = urlWith(id, entries);
  if (url.href !== window.location.href) window.history.replaceState(window.history.state, "", url);
}
