// Button: fires `click`; with `props.link` it is a link that navigates (a relative link resolves against the
// page, so it stays under the mount path). Shows a busy state while the event it triggered runs.

import { h } from "../dom.js";
import { Component } from "./_shared/base.js";
import "./Button.css";

export default class Button extends Component {
  static tag = "mountui-button";

  render() {
    this.classList.add("mu-button-host");
    this.classList.remove("mu-block");
    const p = this.props;
    const cls = `mu-btn mu-btn-${p.variant || "secondary"}${p.size ? ` mu-btn-${p.size}` : ""}`;
    const href = this.href();
    this.control = href ? h("a", { class: cls, href }) : h("button", { class: cls, type: "button" });
    this.labelEl = h("span", {}, "");
    this.control.append(this.labelEl);
    if (!href) this.control.disabled = p.interactive === false;
    this.control.addEventListener("click", () => this.fire("click"));
    this.append(this.control);
  }

  /** The link target resolved against the app's base URL (the page, or the embedded app's src). */
  href() {
    return this.props.link ? this.app.api.url(this.props.link) : null;
  }

  setPending(busy) {
    this.control.classList.toggle("mu-busy", busy);
    if (busy) this.control.setAttribute("aria-busy", "true");
    else this.control.removeAttribute("aria-busy");
    // A disabled button loses keyboard focus; only block clicks while busy.
    this.control.setAttribute("aria-disabled", busy ? "true" : "false");
    this.busy = busy;
  }

  fire(event) {
    if (event === "click" && this.busy) return;
    super.fire(event);
  }

  getValue() {
    return this.labelEl.textContent;
  }

  setValue(value) {
    this.labelEl.textContent = value == null ? "" : String(value);
  }
}
