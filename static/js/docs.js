// Starts Swagger UI on /docs (a file, not an inline script: the CSP allows only our files).
const root = document.getElementById("swagger-ui");

// Swagger UI's page, mended for assistive technology (axe): its title block becomes the
// banner landmark, and its headings, which skip h2 under the h1 title, read one level up.
// Sections render as they are opened, so new headings are mended as they appear.
function mend() {
  root.querySelector(".information-container")?.setAttribute("role", "banner");
  for (const heading of root.querySelectorAll("h3, h4, h5, h6")) {
    if (!heading.hasAttribute("aria-level")) {
      heading.setAttribute("aria-level", String(Number(heading.tagName[1]) - 1));
    }
  }
}
new MutationObserver(mend).observe(root, { childList: true, subtree: true });

window.SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: false, // its links inside each operation's button are nested controls (axe)
  presets: [window.SwaggerUIBundle.presets.apis],
});
