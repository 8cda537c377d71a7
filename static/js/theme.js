// The reader's colour scheme: follow the system, or always light, or always dark.
//
// The choice lives in a cookie so that the server writes data-theme on <html> before the first
// paint (no flash of the wrong scheme); the stylesheets resolve every colour from it
// (light-dark() in parade.css). Without JavaScript the picker stays hidden and the page
// follows the system. Canvas charts cannot read CSS: they redraw through onSchemeChange().

const COOKIE = "parade_theme";
const YEAR = 365 * 24 * 3600;
const root = document.documentElement;
const listeners = new Set();

/** Call `redraw` whenever the colours change: the system's scheme or the reader's pick. */
export function onSchemeChange(redraw) {
  listeners.add(redraw);
}

function changed() {
  for (const redraw of listeners) redraw();
}

matchMedia("(prefers-color-scheme: dark)").addEventListener("change", changed);

function apply(theme) {
  if (theme) root.dataset.theme = theme;
  else delete root.dataset.theme;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  const value = theme ? `${theme}; Max-Age=${YEAR}` : "; Max-Age=0";
  // biome-ignore lint/suspicious/noDocumentCookie: cookieStore is missing from some browsers still in use
  document.cookie = `${COOKIE}=${value}; Path=/; SameSite=Lax${secure}`;
  changed();
}

const pick = document.getElementById("theme-pick");
if (pick) {
  const select = pick.querySelector("select");
  select.value = root.dataset.theme || "";
  select.addEventListener("change", () => apply(select.value));
  pick.hidden = false;
}
