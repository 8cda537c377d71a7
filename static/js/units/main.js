// Mount every unit-activations widget on the page; load its network when it comes near view.

import { UnitsWidget } from "./widget.js";

const widgets = new Map(); // root element -> its widget
for (const root of document.querySelectorAll('.widget[data-widget="unit-activations"]')) {
  try {
    widgets.set(root, new UnitsWidget(root, JSON.parse(root.dataset.config)));
  } catch (err) {
    console.error(`unit viewer ${root.id} could not start`, err);
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
