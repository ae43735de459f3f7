// Radio: one choice out of a few, as a fieldset of native radio buttons (arrow keys move between them).

import { h, uid } from "../dom.js";
import { Component } from "./_shared/base.js";
import { normalizeChoices } from "./_shared/choices.js";
import "./Radio.css";

export default class Radio extends Component {
  static tag = "mountui-radio";

  render() {
    const name = uid("radio");
    this.choices = normalizeChoices(this.props.choices);
    this.inputs = this.choices.map((c) => {
      const input = h("input", { type: "radio", name, class: "mu-radio-input" });
      input.disabled = !this.interactive;
      input.addEventListener("change", () => this.userChanged());
      return input;
    });
    const legend = h("legend", { class: "mu-label" }, this.props.label ?? "Radio");
    if (this.props.show_label === false) legend.classList.add("mu-visually-hidden");
    const options = this.choices.map((c, i) =>
      h("label", { class: "mu-radio" }, this.inputs[i], h("span", {}, c.label)),
    );
    const fieldset = h(
      "fieldset",
      { class: "mu-fieldset" },
      legend,
      h("div", { class: "mu-radio-group" }, options),
    );
    const info = this.info(fieldset);
    if (info) legend.after(info);
    this.append(this.live(fieldset));
  }

  getValue() {
    const index = this.inputs.findIndex((i) => i.checked);
    return index < 0 ? null : this.choices[index].value;
  }

  setValue(value) {
    this.inputs.forEach((input, i) => {
      input.checked = this.choices[i].value === value;
    });
  }
}
