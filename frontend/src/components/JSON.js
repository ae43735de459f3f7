// JSON: a read-only tree of any JSON value. Objects and arrays fold with <details>; every key and value is
// inserted as text.

import { h } from "../dom.js";
import { Component } from "./base.js";

const FOLD_DEPTH = 3;

function scalar(value) {
  const type = value === null ? "null" : typeof value;
  return h("span", { class: `mu-json-${type}` }, type === "string" ? JSON.stringify(value) : String(value));
}

function tree(value, depth) {
  if (value === null || typeof value !== "object") return scalar(value);
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
  if (!entries.length) return h("span", { class: "mu-json-punct" }, open + close);
  const items = entries.map(([key, v]) =>
    h("li", {}, isArray ? null : h("span", { class: "mu-json-key" }, JSON.stringify(key)), isArray ? null : ": ", tree(v, depth + 1)),
  );
  const summary = h("summary", { "data-close": close }, open, h("span", { class: "mu-json-count" }, ` ${entries.length} ${isArray ? "items" : "keys"} `));
  const details = h("details", { class: "mu-json-node" }, summary, h("ul", {}, items), h("span", { class: "mu-json-punct" }, close));
  details.open = depth < FOLD_DEPTH;
  return details;
}

export class JSON_ extends Component {
  static tag = "mountui-json";

  render() {
    const labelId = `${this.tagName}-${this.cid}`.toLowerCase();
    this.view = this.live(h("div", { class: "mu-json", role: "group", "aria-labelledby": labelId, tabindex: 0 }));
    const label = h("span", { class: "mu-label", id: labelId }, this.props.label ?? "JSON");
    if (this.props.show_label === false) label.classList.add("mu-visually-hidden");
    this.append(label, this.view);
    this.value = null;
  }

  getValue() {
    return this.value;
  }

  setValue(value) {
    this.value = value === undefined ? null : value;
    this.view.replaceChildren(tree(this.value, 0));
  }
}
