// Number: a numeric input; an empty box is null on the wire. Enter submits.

import { h, uid } from "../dom.js";
import { Component } from "./_shared/base.js";

export default class NumberInput extends Component {
  static tag = "mountui-number";

  render() {
    const p = this.props;
    const id = uid("number");
    const c = h("input", { id, type: "number", class: "mu-input", inputmode: "decimal" });
    if (p.minimum != null) c.min = p.minimum;
    if (p.maximum != null) c.max = p.maximum;
    c.step = p.step ?? (p.precision === 0 ? 1 : "any");
    c.readOnly = !this.interactive;
    c.addEventListener("input", () => this.userChanged());
    c.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && this.interactive) {
        e.preventDefault();
        this.fire("submit");
      }
    });
    this.control = c;
    this.append(this.labelFor(id, "Number"), this.info(c), this.live(c));
  }

  getValue() {
    const text = this.control.value;
    if (text === "") return null;
    const value = Number(text);
    return Number.isFinite(value) ? value : null;
  }

  setValue(value) {
    this.control.value = value == null ? "" : String(value);
  }
}
