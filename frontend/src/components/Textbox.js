// Textbox: a one-line input or a multi-line textarea. Enter submits a one-line box; in a multi-line box that
// has `submit` listeners (a chat input), Enter submits and Shift+Enter starts a new line.

import { h, uid } from "../dom.js";
import { Component } from "./base.js";

const INPUT_TYPES = new Set(["text", "password", "email"]);

export class Textbox extends Component {
  static tag = "mountui-textbox";

  render() {
    const p = this.props;
    const id = uid("text");
    const lines = Math.max(1, Number(p.lines) || 1);
    this.multiline = lines > 1;
    this.control = this.multiline
      ? h("textarea", { id, rows: lines, class: "mu-input mu-textarea" })
      : h("input", { id, type: INPUT_TYPES.has(p.type) ? p.type : "text", class: "mu-input", autocomplete: "off" });
    const c = this.control;
    if (p.placeholder) c.placeholder = p.placeholder;
    if (p.max_length) c.maxLength = p.max_length;
    if (p.autofocus) c.autofocus = true;
    c.readOnly = !this.interactive;
    c.addEventListener("input", () => this.userChanged());
    c.addEventListener("keydown", (e) => this.onKey(e));
    this.append(this.labelFor(id, "Textbox"), this.info(c), this.live(c));
  }

  onKey(e) {
    if (e.key !== "Enter" || e.isComposing || !this.interactive) return;
    if (this.multiline && (e.shiftKey || !this.app.listens(this.cid, "submit"))) return;
    e.preventDefault();
    this.fire("submit");
  }

  getValue() {
    return this.control.value;
  }

  setValue(value) {
    this.control.value = value == null ? "" : String(value);
  }
}
