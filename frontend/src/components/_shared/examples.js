// Examples: rows of sample input values from `config.examples`; choosing one fills in the inputs (as if the
// user typed them, so `input` and `change` listeners run).

import { h, uid } from "../../dom.js";
import "./examples.css";

export function renderExamples(entry, app) {
  const targets = (entry.inputs || []).map((id) => app.component(id));
  const rows = (entry.rows || []).map((row) => {
    const text = row
      .map((v) => (v !== null && typeof v === "object" ? v.name || JSON.stringify(v) : String(v ?? "")))
      .join(" · ");
    const button = h("button", { type: "button", class: "mu-example", title: text }, text);
    button.addEventListener("click", () => {
      row.forEach((value, i) => {
        const target = targets[i];
        if (!target) return;
        target.setValue(value);
        target.userChanged();
      });
      targets.find(Boolean)?.querySelector("input, textarea, select")?.focus();
    });
    return h("li", {}, button);
  });
  const titleId = uid("examples");
  return h(
    "section",
    { class: "mu-examples", "aria-labelledby": titleId },
    h("h2", { class: "mu-examples-title", id: titleId }, entry.label || "Examples"),
    h("ul", { class: "mu-example-list" }, rows),
  );
}
