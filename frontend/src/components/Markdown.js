// Markdown: the server renders and sanitizes it; the value on the wire is that HTML.

import { h, setTrustedHTML } from "../dom.js";
import { Component } from "./_shared/base.js";

export default class Markdown extends Component {
  static tag = "mountui-markdown";

  render() {
    this.classList.add("mu-markdown");
    this.body = this.live(h("div", { class: "mu-prose" }));
    if (this.props.label && this.props.show_label)
      this.append(h("span", { class: "mu-label" }, this.props.label));
    this.append(this.body);
    this.html = "";
  }

  getValue() {
    return this.html;
  }

  setValue(value) {
    this.html = value == null ? "" : String(value);
    setTrustedHTML(this.body, this.html);
  }
}
