// Checkbox: one boolean.

import { h, uid } from "../dom.js";
import { Component } from "./_shared/base.js";
import "./Checkbox.css";

export default class Checkbox extends Component {
  static tag = "mountui-checkbox";

  render() {
    const id = uid("check");
    this.control = h("input", { id, type: "checkbox", class: "mu-checkbox" });
    this.control.disabled = !this.interactive;
    this.control.addEventListener("change", () => this.userChanged());
    const label = h(
      "label",
      { class: "mu-check-label", for: id },
      this.live(this.control),
      h("span", {}, this.props.label ?? "Checkbox"),
    );
    this.append(label, this.info(this.control));
  }

  getValue() {
    return this.control.checked;
  }

  setValue(value) {
    this.control.checked = Boolean(value);
  }
}
