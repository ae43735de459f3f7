// Tabs: a tab list over Tab panels, following the WAI-ARIA tabs pattern (arrow keys, Home/End, one tab stop).

import { h, uid } from "../dom.js";
import { Layout } from "./_shared/base.js";
import "./Tabs.css";

export default class Tabs extends Layout {
  static tag = "mountui-tabs";

  render() {
    this.classList.add("mu-tabs");
    this.list = h("div", { class: "mu-tab-list", role: "tablist" });
    this.list.addEventListener("keydown", (e) => this.onKey(e));
    this.panels = [];
    this.buttons = [];
    this.append(this.list);
  }

  addChild(panel) {
    const index = this.panels.length;
    const tabId = uid("tab");
    panel.id ||= uid("panel");
    panel.setAttribute("aria-labelledby", tabId);
    const button = h(
      "button",
      { type: "button", role: "tab", id: tabId, class: "mu-tab", "aria-controls": panel.id },
      panel.props?.label || `Tab ${index + 1}`,
    );
    button.addEventListener("click", () => this.select(index));
    button.hidden = panel.hidden;
    this.panels.push(panel);
    this.buttons.push(button);
    this.list.append(button);
    this.append(panel);
    const selected = this.props.selected;
    const isSelected =
      selected == null
        ? index === 0
        : selected === index || selected === panel.props?.id || selected === panel.cid;
    this.select(isSelected || this.current == null ? index : this.current);
  }

  select(index, focus = false) {
    this.current = index;
    this.panels.forEach((panel, i) => {
      const on = i === index;
      panel.classList.toggle("mu-tab-hidden", !on);
      this.buttons[i].setAttribute("aria-selected", String(on));
      this.buttons[i].tabIndex = on ? 0 : -1;
    });
    if (focus) this.buttons[index].focus();
  }

  onKey(e) {
    const visible = this.buttons.map((b, i) => (b.hidden ? -1 : i)).filter((i) => i >= 0);
    const at = visible.indexOf(this.current);
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: visible.length - 1 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const next = visible[(moves[e.key] + visible.length) % visible.length];
    this.select(next, true);
  }
}
