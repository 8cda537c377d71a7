// Lesson page behaviour: the contents list, and the "Listen" player (see listen/).
import { mountListen } from "./listen/main.js";

// On a phone the contents list would fill the first screen: start it folded.
const toc = document.querySelector(".toc details");
const narrow = getComputedStyle(document.documentElement).getPropertyValue("--layout").trim();
if (toc && narrow === "narrow") toc.open = false;

const listen = document.querySelector(".listen");
if (listen) mountListen(listen);
