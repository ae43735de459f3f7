// Base classes of the UI elements. A component is a custom element (light DOM, so the one stylesheet
// applies) built from its config entry `{id, type, props, value}`; it reads and writes its value in wire form
// and reports user events to the app, which runs the dependencies listening to them.

import { h, sameValue, uid } from "../../dom.js";
import { StatusView } from "../../status.js";

/** Shared by components and layouts: id, classes, visibility and flex sizing from common props. */
function applyCommonProps(el, props) {
  if (props.elem_id) el.id = props.elem_id;
  for (const cls of props.elem_classes || []) el.classList.add(cls);
  if (props.visible === false) el.hidden = true;
  if (props.scale != null) el.style.flexGrow = String(props.scale);
  if (props.min_width != null) el.style.minWidth = `min(${Number(props.min_width)}px, 100%)`;
}

export class Component extends HTMLElement {
  /** Build the element. Called once, right after creation. */
  setup(spec, app) {
    this.cid = spec.id;
    this.props = spec.props || {};
    this.app = app;
    this.interactive = app.isInteractive(spec);
    this.classList.add("mu-block");
    if (this.props.container === false) this.classList.add("mu-bare");
    if (!this.interactive) this.classList.add("mu-output");
    applyCommonProps(this, this.props);
    this.render();
    if ("value" in spec) this.setValue(spec.value);
  }

  /** Create the inner DOM. */
  render() {}

  /** Like Element.append, skipping absent parts (an info text that is not set). */
  append(...nodes) {
    super.append(...nodes.filter((n) => n != null));
  }

  /** The current value in wire form. */
  getValue() {
    return null;
  }

  /** Show a value (wire form). Does not fire events; `update` does. */
  setValue(_value) {}

  /** The value to send as an input: waits for anything in flight (an upload). */
  async collect() {
    return this.getValue();
  }

  /** Apply a value returned by an event; fires `change` when it differs from the current one. */
  update(value) {
    const before = this.getValue();
    this.setValue(value);
    if (!sameValue(before, this.getValue())) this.fire("change");
  }

  fire(event) {
    this.app.fire(this.cid, event);
  }

  /** The user changed the value: `input` and `change` listeners run. */
  userChanged() {
    this.fire("input");
    this.fire("change");
  }

  statusView() {
    this.status ??= new StatusView(this);
    return this.status;
  }

  /** A label (with optional info text) for the control with id `forId`; hidden visually if show_label is false. */
  labelFor(forId, fallback = "") {
    const text = this.props.label ?? fallback;
    const label = h("label", { class: "mu-label", for: forId }, text);
    if (this.props.show_label === false || !text) label.classList.add("mu-visually-hidden");
    return label;
  }

  /** The info text under a label, linked to the control by aria-describedby. */
  info(control) {
    if (!this.props.info) return null;
    const id = uid("info");
    control.setAttribute("aria-describedby", id);
    return h("p", { class: "mu-info", id }, this.props.info);
  }

  /** Output components announce new values to screen readers. */
  live(el) {
    if (!this.interactive) el.setAttribute("aria-live", "polite");
    return el;
  }
}

export class Layout extends HTMLElement {
  setup(spec, app) {
    this.cid = spec.id;
    this.props = spec.props || {};
    this.app = app;
    applyCommonProps(this, this.props);
    this.render();
  }

  render() {}

  /** Place a child element (component or layout) inside this layout. */
  addChild(child) {
    this.append(child);
  }
}
