// Accordion: a labelled section that opens and closes (a native <details>, so it works with the keyboard).

import { h } from "../dom.js";
import { Layout } from "./_shared/base.js";
import "./Accordion.css";

export default class Accordion extends Layout {
  static tag = "mountui-accordion";

  render() {
    this.classList.add("mu-accordion");
    this.body = h("div", { class: "mu-accordion-body" });
    this.details = h(
      "details",
      {},
      h("summary", { class: "mu-accordion-summary" }, this.props.label || "Details"),
      this.body,
    );
    this.details.open = this.props.open !== false;
    this.append(this.details);
  }

  addChild(child) {
    this.body.append(child);
  }
}
