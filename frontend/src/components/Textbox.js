// Textbox: a one-line input or a textarea. Enter submits a one-line box; in a textarea that has `submit`
// listeners (a chat input), Enter submits and Shift+Enter starts a new line. Textareas grow with their text
// up to `max_lines`; an output box is always a textarea so that a long answer is never cut off.

import { h, uid } from "../dom.js";
import { Component } from "./_shared/base.js";
import "./Textbox.css";

const INPUT_TYPES = new Set(["text", "password", "email"]);
const DEFAULT_MAX_LINES = 20;

export default class Textbox extends Component {
  static tag = "mountui-textbox";

  render() {
    const p = this.props;
    const id = uid("text");
    this.lines = Math.max(1, Number(p.lines) || 1);
    this.maxLines = Math.max(this.lines, Number(p.max_lines) || DEFAULT_MAX_LINES);
    const type = INPUT_TYPES.has(p.type) ? p.type : "text";
    this.multiline = type === "text" && (this.lines > 1 || !this.interactive);
    this.control = this.multiline
      ? h("textarea", { id, rows: this.lines, class: "mu-input mu-textarea" })
      : h("input", {
          id,
          type,
          class: "mu-input",
          autocomplete: type === "password" ? "current-password" : "off",
        });
    const c = this.control;
    if (p.placeholder) c.placeholder = p.placeholder;
    if (p.max_length) c.maxLength = p.max_length;
    if (p.autofocus) c.autofocus = true;
    c.readOnly = !this.interactive;
    c.addEventListener("input", () => {
      this.grow();
      this.userChanged();
    });
    c.addEventListener("keydown", (e) => this.onKey(e));
    const label = this.labelFor(id, "Textbox");
    const head = p.show_copy_button ? h("div", { class: "mu-label-row" }, label, this.copyButton()) : label;
    this.append(head, this.info(c), this.live(c));
  }

  // A value set before the element was on the page could not be measured; fit it after the first layout
  // (an empty box needs nothing, and forcing a layout here would slow the first render).
  connectedCallback() {
    if (this.multiline && this.control.value) requestAnimationFrame(() => this.grow());
  }

  // Fit a textarea to its text, between `lines` and `max_lines` rows (box-sizing is border-box).
  grow() {
    const c = this.control;
    if (!this.multiline || !c.isConnected) return;
    const style = getComputedStyle(c);
    const line = parseFloat(style.lineHeight) || 22;
    const frame =
      parseFloat(style.paddingTop) +
      parseFloat(style.paddingBottom) +
      parseFloat(style.borderTopWidth) +
      parseFloat(style.borderBottomWidth);
    c.style.height = "auto";
    const content = c.scrollHeight + parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
    const height = Math.min(Math.max(content, this.lines * line + frame), this.maxLines * line + frame);
    c.style.height = `${Math.ceil(height)}px`;
  }

  copyButton() {
    const button = h(
      "button",
      { type: "button", class: "mu-copy", "aria-label": `Copy ${this.props.label || "text"}` },
      "Copy",
    );
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(this.control.value);
        button.textContent = "Copied";
        setTimeout(() => {
          button.textContent = "Copy";
        }, 1500);
      } catch {
        this.control.select(); // no clipboard access (plain http): leave the text selected to copy by hand
      }
    });
    return button;
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
    this.grow();
  }
}
