// Mount every rnn-stepper widget on the page; fetch its first trace when it comes near view.

import { mountWidgets } from "../mount.js";
import { readUrlState } from "./url.js";
import { StepperWidget } from "./widget.js";

const widgets = mountWidgets("rnn-stepper", (root, config) => new StepperWidget(root, config));

// A shared link points at one widget: bring it into view.
if (!window.location.hash) {
  const linked = [...widgets.values()].find((w) => Object.keys(readUrlState(w.id)).length);
  if (linked) linked.root.scrollIntoView({ block: "start" });
}
