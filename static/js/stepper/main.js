// Mount every rnn-stepper widget on the page; fetch its first trace when it comes near view.

import { readUrlState } from "./url.js";
import { StepperWidget } from "./widget.js";

const widgets = new Map(); // root element -> its widget
for (const root of document.querySelectorAll('.widget[data-widget="rnn-stepper"]')) {
  try {
    widgets.set(root, new StepperWidget(root, JSON.parse(root.dataset.config)));
  } catch (err) {
    console.error(`stepper ${root.id} could not start`, err);
  }
}

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) {
        widgets.get(entry.target)?.show();
        observer.unobserve(entry.target);
      }
    }
  },
  { rootMargin: "400px 0px" },
);
for (const root of widgets.keys()) observer.observe(root);

// A shared link points at one widget: bring it into view.
if (!window.location.hash) {
  const linked = [...widgets.values()].find((w) => Object.keys(readUrlState(w.id)).length);
  if (linked) linked.root.scrollIntoView({ block: "start" });
}
