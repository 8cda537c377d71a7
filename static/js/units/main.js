// Mount every unit-activations widget on the page; load its network when it comes near view.

import { mountWidgets } from "../mount.js";
import { UnitsWidget } from "./widget.js";

mountWidgets("unit-activations", (root, config) => new UnitsWidget(root, config));
