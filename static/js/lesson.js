// Lesson page behaviour: "Listen" reads the narrated sections aloud with the browser's voice.
const listen = document.querySelector(".listen");

// On a phone the contents list would fill the first screen: start it folded.
const toc = document.querySelector(".toc details");
if (toc && window.matchMedia("(max-width: 760px)").matches) toc.open = false;

// The prose of each section: its heading, paragraphs and lists, without widgets, forms or
// MathML (read out symbol by symbol, they would be noise).
function narratedText(ids) {
  return ids
    .map((id) => document.getElementById(id))
    .filter(Boolean)
    .map((section) => {
      const copy = section.cloneNode(true);
      copy.querySelectorAll(".widget, form, math, .quiz, .dilemmas, .coming-soon").forEach((n) => n.remove());
      return copy.textContent.replace(/\s+/g, " ").trim();
    })
    .join("\n\n");
}

if (listen && "speechSynthesis" in window) {
  const button = listen.querySelector(".listen-toggle");
  const status = listen.querySelector(".listen-status");
  const ids = listen.dataset.narrated.split(" ").filter(Boolean);
  listen.hidden = false;
  const stop = () => {
    window.speechSynthesis.cancel();
    button.setAttribute("aria-pressed", "false");
    button.textContent = "Listen";
    status.textContent = "";
  };
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-pressed") === "true") {
      stop();
      return;
    }
    const utterance = new SpeechSynthesisUtterance(narratedText(ids));
    utterance.lang = document.documentElement.lang || "en";
    utterance.addEventListener("end", stop);
    window.speechSynthesis.speak(utterance);
    button.setAttribute("aria-pressed", "true");
    button.textContent = "Stop listening";
    status.textContent = "Reading aloud…";
  });
}
