// Lesson page behaviour: "Listen" reads the narrated sections aloud with the browser's voice.
const listen = document.querySelector(".listen");

function narratedText(ids) {
  return ids
    .map((id) => document.getElementById(id))
    .filter(Boolean)
    .map((section) => section.innerText.trim())
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
    button.textContent = "Listen to the answer";
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
