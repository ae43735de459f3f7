// Slider: a range input paired with a number box showing (and editing) the exact value.
// `input` fires while dragging, `change` when the value is committed (release, or typing in the box).

import { h, uid } from "../dom.js";
import { Component } from "./_shared/base.js";
import "./Slider.css";

export default class Slider extends Component {
  static tag = "mountui-slider";

  render() {
    const p = this.props;
    const id = uid("slider");
    const bounds = { min: p.minimum ?? 0, max: p.maximum ?? 100, step: p.step ?? 1 };
    this.range = h("input", { id, type: "range", class: "mu-range", ...bounds });
    this.number = h("input", {
      type: "number",
      class: "mu-input mu-slider-number",
      "aria-label": `${p.label || "Slider"} value`,
      ...bounds,
    });
    for (const c of [this.range, this.number]) c.disabled = !this.interactive;
    this.range.addEventListener("input", () => {
      this.number.value = this.range.value;
      this.fire("input");
    });
    this.range.addEventListener("change", () => this.fire("change"));
    this.number.addEventListener("change", () => {
      this.range.value = this.number.value;
      this.number.value = this.range.value; // clamped and snapped to step by the range
      this.userChanged();
    });
    const head = h("div", { class: "mu-label-row" }, this.labelFor(id, "Slider"), this.number);
    const limits = h(
      "div",
      { class: "mu-range-limits", "aria-hidden": "true" },
      h("span", {}, String(bounds.min)),
      h("span", {}, String(bounds.max)),
    );
    this.append(head, this.info(this.range), this.live(this.range), limits);
  }

  getValue() {
    return Number(this.range.value);
  }

  setValue(value) {
    this.range.value = value == null ? this.range.min : String(value);
    this.number.value = this.range.value;
  }
}
