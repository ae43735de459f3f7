// Shown for a component type this frontend does not know (a newer server, or a custom component).

import { h } from "../../dom.js";
import { Component } from "./base.js";

export class Unknown extends Component {
  static tag = "mountui-unknown";

  render() {
    this.append(h("p", { class: "mu-info" }, `This page cannot show a “${this.type}” component.`));
    this.value = null;
  }

  setup(spec, app) {
    this.type = spec.type;
    super.setup(spec, app);
  }

  getValue() {
    return this.value;
  }

  setValue(value) {
    this.value = value ?? null;
  }
}
