// Component type (the Python class name) -> custom element class. Every element is defined once, even when
// two bundles land on one page.
//
// The table is not written by hand: build.mjs generates "mountui:component-modules" from the files
// src/components/<Type>.js (each default-exports its element class); helpers live in src/components/_shared/.

import TYPES from "mountui:component-modules";
import { Unknown } from "./components/_shared/unknown.js";

for (const cls of [...Object.values(TYPES), Unknown]) {
  if (!customElements.get(cls.tag)) customElements.define(cls.tag, cls);
}

/** A new, set-up element for a config entry. */
export function createElementFor(spec, app) {
  const cls = Object.hasOwn(TYPES, spec.type) ? TYPES[spec.type] : Unknown;
  const el = document.createElement(cls.tag);
  el.setup(spec, app);
  return el;
}
