// Mount every rnn-stepper widget on the page; fetch its first trace when it comes near view.

import { StepperWidget } from "./widget.js";
import { readUrlState } from "./url.js";

const widgets = [];
for (const root of document.querySelectorAll('.widget[data-widget="rnn-stepper"]')) {
  try {
    widgets.push(new StepperWidget(root, JSON.parse(root.dataset.config)));
  } catch (err) {
    console.error(`stepper ${root.id} could not start`, err);
  }
}

const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) {
      entry.target.stepper?.show();
      observer.unobserve(entry.target);
    }
  }
}, { rootMargin: "400px 0px" });
for (const w of widgets) observer.observe(w.root);

// A shared link points at one widget: bring it into view.
if (!window.location.hash) {
  const linked = widgets.find((w) => Object.keys(readUrlState(w.id)).length);
  if (linked) linked.root.scrollIntoView({ block: "start" });
}
