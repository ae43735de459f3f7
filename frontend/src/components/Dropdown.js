// Dropdown: a native <select> for one choice; for `multiselect`, the chosen values as removable chips plus a
// <select> to add more. Both are fully keyboard-usable without custom widgets.

import { h, uid } from "../dom.js";
import { Component } from "./_shared/base.js";
import { normalizeChoices } from "./_shared/choices.js";
import "./Dropdown.css";

export default class Dropdown extends Component {
  static tag = "mountui-dropdown";

  render() {
    this.choices = normalizeChoices(this.props.choices);
    this.multiple = Boolean(this.props.multiselect);
    this.selected = [];
    const id = uid("select");
    this.select = h("select", { id, class: "mu-input mu-select" });
    this.select.disabled = !this.interactive;
    this.select.addEventListener("change", () => this.onSelect());
    const label = this.labelFor(id, "Dropdown");
    if (this.multiple) {
      this.chips = h("ul", { class: "mu-chips", "aria-label": `Selected ${this.props.label || "values"}` });
      this.append(label, this.info(this.select), this.live(this.chips), this.select);
    } else {
      this.append(label, this.info(this.select), this.live(this.select));
    }
  }

  label(value) {
    return this.choices.find((c) => c.value === value)?.label ?? String(value);
  }

  onSelect() {
    const index = this.select.value;
    if (index === "") return;
    const value = this.choices[Number(index)].value;
    if (this.multiple) {
      if (!this.selected.includes(value)) this.selected.push(value);
      this.draw();
      this.select.focus();
    } else {
      this.selected = [value];
    }
    this.userChanged();
  }

  remove(value) {
    this.selected = this.selected.filter((v) => v !== value);
    this.draw();
    this.userChanged();
    // Keep keyboard focus in the widget after the chip (and its button) is gone.
    (this.chips.querySelector("button") || this.select).focus();
  }

  draw() {
    const options = [];
    if (this.multiple || !this.selected.length) {
      options.push(h("option", { value: "" }, this.multiple ? "Add…" : this.props.placeholder || "Select…"));
    }
    this.choices.forEach((c, i) => {
      if (this.multiple && this.selected.includes(c.value)) return;
      options.push(h("option", { value: String(i) }, c.label));
    });
    this.select.replaceChildren(...options);
    if (this.multiple) {
      this.select.value = "";
      this.chips.replaceChildren(
        ...this.selected.map((v) => {
          const name = this.label(v);
          const remove = this.interactive
            ? h(
                "button",
                {
                  type: "button",
                  class: "mu-chip-remove",
                  "aria-label": `Remove ${name}`,
                  onclick: () => this.remove(v),
                },
                "×",
              )
            : null;
          return h("li", { class: "mu-chip" }, h("span", {}, name), remove);
        }),
      );
    } else {
      const index = this.choices.findIndex((c) => c.value === this.selected[0]);
      this.select.value = index < 0 ? "" : String(index);
    }
  }

  getValue() {
    return this.multiple ? [...this.selected] : (this.selected[0] ?? null);
  }

  setValue(value) {
    if (this.multiple) this.selected = Array.isArray(value) ? [...value] : value == null ? [] : [value];
    else this.selected = value == null ? [] : [value];
    // A value outside the choices (set by the app) is still shown.
    for (const v of this.selected) {
      if (!this.choices.some((c) => c.value === v)) this.choices.push({ label: String(v), value: v });
    }
    this.draw();
  }
}
