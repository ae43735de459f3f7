// JSON: a read-only tree of any JSON value. Objects and arrays fold with <details>; every key and value is
// inserted as text.

import { h } from "../dom.js";
import { Component } from "./_shared/base.js";
import "./JSON.css";

const FOLD_DEPTH = 3;

function scalar(value) {
  const type = value === null ? "null" : typeof value;
  return h("span", { class: `mu-json-${type}` }, type === "string" ? JSON.stringify(value) : String(value));
}

// One value as nodes; `key` (a key or index label, or null) goes inside the fold's summary so that the fold
// marker sits in front of it.
function tree(value, depth, key = null) {
  const label = key == null ? [] : [h("span", { class: "mu-json-key" }, key), ": "];
  if (value === null || typeof value !== "object") return h("span", {}, ...label, scalar(value));
  const isArray = Array.isArray(value);
  const entries = isArray
    ? value.map((v, i) => [null, v])
    : Object.entries(value).map(([k, v]) => [JSON.stringify(k), v]);
  const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
  if (!entries.length) return h("span", {}, ...label, h("span", { class: "mu-json-punct" }, open + close));
  const items = entries.map(([k, v]) => h("li", {}, tree(v, depth + 1, k)));
  const count = h("span", { class: "mu-json-count" }, ` ${entries.length} ${isArray ? "items" : "keys"} `);
  const summary = h("summary", { "data-close": close }, ...label, open, count);
  const details = h(
    "details",
    { class: "mu-json-node" },
    summary,
    h("ul", {}, items),
    h("span", { class: "mu-json-punct" }, close),
  );
  details.open = depth < FOLD_DEPTH;
  return details;
}

export default class JSON_ extends Component {
  static tag = "mountui-json";

  render() {
    const labelId = `${this.tagName}-${this.cid}`.toLowerCase();
    this.view = this.live(
      h("div", { class: "mu-json", role: "group", "aria-labelledby": labelId, tabindex: 0 }),
    );
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
    // An output that has no value yet stays empty rather than showing "null".
    this.view.replaceChildren(this.value === null && !this.interactive ? "" : tree(this.value, 0));
  }
}
