// Lesson page behaviour: the contents list, and the "Listen" player (see listen/).
import { mountListen } from "./listen/main.js";

// On a phone the contents list would fill the first screen: start it folded. Beside the
// lesson (a wide window) it is always open: its summary there is a heading, not a toggle.
const toc = document.querySelector(".toc details");
const layout = () => getComputedStyle(document.documentElement).getPropertyValue("--layout").trim();
if (toc) {
  let was = layout();
  if (was === "narrow") toc.open = false;
  toc.dataset.ready = ""; // parade.css hid the list on a phone until this fold
  window.addEventListener("resize", () => {
    const now = layout();
    if (now === was) return;
    was = now;
    toc.open = now !== "narrow"; // folded for a phone, open beside the lesson
  });
  toc.querySelector("summary")?.addEventListener("click", (e) => {
    if (layout() !== "narrow") e.preventDefault();
  });
}

const listen = document.querySelector(".listen");
if (listen) mountListen(listen);
